"""Every form field and query parameter of the site, sent hostile strings as the right role.

tests/fuzz/forms.py finds the forms and parameters by loading every page of the security
suite's matrix (and allauth's pages) as the roles that may see it; tests/fuzz/web.py sends the
values and judges the answers: never a 500, never a traceback, and no change to the database
when the input is refused (nor ever on a GET).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz import strategies as fz
from tests.fuzz.budget import scaled
from tests.fuzz.forms import EXTRA_QUERY_PARAMETERS
from tests.fuzz.web import CORE_VALUES, Site, discover, get_with, judge, post_field, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def site(_module_world, django_db_blocker) -> Site:
    with django_db_blocker.unblock(), transaction.atomic():
        found = discover(_module_world)
        transaction.set_rollback(True)
    return found


@pytest.fixture
def live_site(site, world) -> Site:
    """The discovered site, inside this test's own rolled-back transaction."""
    return site


def test_discovery_finds_the_forms_and_parameters_people_use(site):
    """If discovery silently found nothing, every test below would pass and prove nothing."""
    fields = {(form.role, form.action.split("?")[0], name) for form, name in site.fields}
    for expected in [
        ("owner", "/accounts/profile/", "display_name"),
        ("owner", "/developer/plugins/", "target"),
        # The owner's plugin thread (its id depends on the order the world's messages came in).
        ("owner", "/reply/", "body"),
        ("anon", "/accounts/login/", "login"),
        ("anon", "/accounts/signup/", "email"),
        ("reviewer", "/admin/reviews/cannedreason/add/", "title"),
    ]:
        role, path, name = expected
        assert any(r == role and a.endswith(path) and n == name for r, a, n in fields), expected
    parameters = {(page.url.split("?")[0], name) for page, name in site.parameters}
    assert {("/store/", "q"), ("/store/", "sort"), ("/admin/reviews/submission/", "q")} <= (
        parameters
    )
    assert len(site.post_forms) >= 40 and len(site.fields) >= 120


VALUES = [pytest.param(value, id=name) for name, value in CORE_VALUES.items()]


@pytest.mark.parametrize("value", VALUES)
def test_every_form_field_takes_a_hostile_value_cleanly(live_site, value):
    problems = []
    for form, name in live_site.fields:
        problems += post_field(live_site, form, name, value)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("value", VALUES)
def test_every_query_parameter_takes_a_hostile_value_cleanly(live_site, value):
    problems = []
    for page in live_site.pages:
        # Every parameter at once, a hostile parameter name included ...
        everything = sorted(page.parameters | set(EXTRA_QUERY_PARAMETERS))
        problems += get_with(
            live_site, page, [(name, value) for name in everything] + [(value, value)]
        )
        # ... and each one the page links to alone, so no other's refusal hides its problem.
        for name in sorted(page.parameters):
            problems += get_with(live_site, page, [(name, value)])
    assert not problems, "\n".join(problems)


@settings(max_examples=scaled(50))
@given(data=st.data(), value=fz.hostile_text)
def test_random_hostile_values_in_random_form_fields(live_site, data, value):
    form, name = data.draw(st.sampled_from(live_site.fields), label="field")
    assert post_field(live_site, form, name, value) == []


@settings(max_examples=scaled(50))
@given(data=st.data(), value=fz.hostile_text)
def test_random_hostile_values_in_random_query_parameters(live_site, data, value):
    page, name = data.draw(st.sampled_from(live_site.parameters), label="parameter")
    assert get_with(live_site, page, [(name, value)]) == []


def test_the_judge_flags_a_500_a_traceback_and_a_write_on_a_refusal(live_site, world):
    """The controls: each kind of problem the tests above look for is seen when it happens."""
    page = live_site.pages[0]
    client = world.clients[page.role]
    response = client.get(page.url)
    assert judge(live_site, "ok", response, live_site.baseline, must_not_write=True) == []

    response.status_code = 500
    assert judge(live_site, "500", response, live_site.baseline, must_not_write=False)
    response.status_code, response.content = 200, b"<pre>Traceback (most recent call last):"
    assert judge(live_site, "tb", response, live_site.baseline, must_not_write=False)

    owner = world.users["owner"]
    with transaction.atomic():
        type(owner).objects.filter(pk=owner.pk).update(display_name="Changed by a refusal")
        changed = snapshot()
        transaction.set_rollback(True)
    response = client.get(page.url)
    found = judge(live_site, "write", response, changed, must_not_write=True)
    assert found and "accounts.User" in found[0]
    assert snapshot() == live_site.baseline
