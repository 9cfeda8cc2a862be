"""Rough edges of accounts (issue 14 item 5): someone without developer access who opens the
developer pages learns how to get it (not a bare 403), the request form shows its error by the
field, and account emails greet with the site's name, not the host."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import DeveloperAccessRequest
from accounts.services import developer_access_request_create
from tests.factories import PlusUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_plus_user_opening_the_developer_pages_gets_the_way_to_request_access(
    client, django_assert_max_num_queries
):
    client.force_login(PlusUserFactory())
    for url in (reverse("developer:plugins"), reverse("developer:job", args=[1])):
        with django_assert_max_num_queries(6):
            response = client.get(url)
        page = response.content.decode()
        assert response.status_code == 403  # still refused, but told what to do
        assert "The developer pages are for developer accounts." in page
        assert f'action="{reverse("developer_access")}"' in page
        assert 'name="reason"' in page
        assert "Request developer access" in page
        assert "You can’t do that here" not in page  # not the generic 403 page


def test_a_pending_request_is_shown_instead_of_the_form(client):
    user = PlusUserFactory()
    developer_access_request_create(user=user, reason="A tide-table plugin.")
    client.force_login(user)
    page = client.get(reverse("developer:plugins")).content.decode()
    assert "is waiting for a decision" in page
    assert 'name="reason"' not in page


def test_a_normal_user_is_told_to_upgrade_first(client):
    client.force_login(UserFactory())
    response = client.get(reverse("developer:plugins"))
    page = response.content.decode()
    assert response.status_code == 403
    assert f'href="{reverse("upgrade")}"' in page
    assert 'name="reason"' not in page


def test_a_post_to_a_developer_page_without_access_is_still_a_plain_403(client):
    client.force_login(PlusUserFactory())
    response = client.post(reverse("developer:plugins"), {"target": "a.example.com"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("", "Tell the reviewers briefly what you plan to build."),
        ("x" * 2001, "Keep it to at most 2,000 characters (yours has 2001)."),
    ],
)
def test_the_access_form_shows_its_error_by_the_field(client, reason, message):
    client.force_login(PlusUserFactory())
    response = client.post(reverse("developer_access"), {"reason": reason})
    page = response.content.decode()
    assert response.status_code == 400
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in page
    assert 'aria-invalid="true"' in page
    assert f'<ul class="errorlist" id="id_reason_error"><li>{message}</li></ul>' in page
    assert 'class="flash flash-error"' not in page  # not only in the top banner
    assert not DeveloperAccessRequest.objects.exists()


def test_account_emails_greet_with_the_site_name_not_the_host(client, settings):
    settings.PLUGINSTORE_SITE_NAME = "PluginStore"
    settings.SITE_URL = "https://plugins.example.com"
    client.post(
        "/accounts/signup/",
        {
            "email": "ada@example.com",
            "password1": "a long passphrase 42",
            "password2": "a long passphrase 42",
        },
    )
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.startswith("Hello from PluginStore!")
    assert "Thank you for using PluginStore!\nplugins.example.com" in body
    assert "testserver" not in body and "127.0.0.1" not in body
