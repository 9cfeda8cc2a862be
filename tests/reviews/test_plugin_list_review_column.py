"""The developer's plugin list (issue 14 item 5): each plugin shows its review state and,
where submission_blocker allows it, a Submit for review link (reviews.developer_list fills the
column for the whole list); the page's queries stay fixed."""

import pytest
from django.urls import reverse

from reviews.services import submission_create
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import approve, register

pytestmark = pytest.mark.django_db
URL = reverse("developer:plugins")


def test_each_plugin_shows_its_review_state_and_a_submit_link_when_it_can_go(client):
    owner = DeveloperFactory()
    ready = register(owner, name_for_human="Ready One")
    broken = register(owner, name_for_human="Broken GPT")  # an error: can't be submitted
    filed = register(owner, name_for_human="Filed One")
    submission_create(plugin_id=filed.pk, by=owner)
    live = approve(register(owner, name_for_human="Live One"))
    client.force_login(owner)
    page = client.get(URL).content.decode()

    def row(plugin) -> str:
        start = page.index(f'href="{reverse("developer:plugin", args=[plugin.pk])}"')
        return page[start : page.index("</tr>", start)]

    submit = reverse("help:submit")
    assert "Not submitted" in row(ready)
    assert f'href="{submit}?plugin={ready.pk}"' in row(ready)
    assert "Submit for review" in row(ready)
    assert "Submit for review" not in row(broken)
    assert '<span class="pill pill-submitted">Submitted</span>' in row(filed)
    assert "Submit for review" not in row(filed)
    assert "Submit for review" not in row(live)  # its latest version is already live


@pytest.mark.parametrize("count", [3, 60])
def test_the_review_column_adds_no_query_per_plugin(client, count, django_assert_max_num_queries):
    owner = DeveloperFactory()
    for i in range(count):
        plugin = register(owner, name_for_human=f"Tool {i}")
        if i % 3 == 1:
            submission_create(plugin_id=plugin.pk, by=owner)
        elif i % 3 == 2:
            approve(plugin)
    client.force_login(owner)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert response.content.decode().count("Submit for review<span") == count // 3 + (
        1 if count % 3 else 0
    )
