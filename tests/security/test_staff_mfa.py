"""Staff need a second factor before the admin lets them act (issue 16).

PLUGINSTORE_STAFF_REQUIRE_MFA is on in production, off in local development (so the demo
reviewer signs straight in) and in the test settings (so the browser journeys and the URL
matrix sign reviewers into the admin as before). Here it is on.
"""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.middleware import ENROL_MESSAGE
from accounts.models import AccessRequestState, AccountType
from accounts.services import developer_access_request_create
from tests.accounts.helpers import activate_totp, sign_in, totp_code
from tests.factories import PASSWORD, PlusUserFactory, UserFactory, make_reviewer
from tests.security.test_deploy_checks import _manage

pytestmark = pytest.mark.django_db

ENROL = reverse("mfa_activate_totp")


@pytest.fixture
def mfa_required(settings):
    settings.PLUGINSTORE_STAFF_REQUIRE_MFA = True


def _pending_request():
    return developer_access_request_create(user=PlusUserFactory(), reason="A tide-table plugin.")


def _grant(client: Client, access_request):
    """The admin's Grant button on a developer-access request."""
    url = reverse("admin:accounts_developeraccessrequest_change", args=[access_request.pk])
    return client.post(url, {"_fsm_transition_to": "grant"})


def _admin_pages(access_request) -> list[str]:
    return [
        reverse("admin:index"),
        reverse("admin:accounts_developeraccessrequest_changelist"),
        reverse("admin:accounts_developeraccessrequest_change", args=[access_request.pk]),
        reverse("admin:password_change"),
        reverse("admin:jsi18n"),
        "/admin/no-such-page/",
    ]


def test_production_requires_it_and_the_test_settings_do_not():
    assert django_settings.PLUGINSTORE_STAFF_REQUIRE_MFA is False
    result = _manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings; print(settings.PLUGINSTORE_STAFF_REQUIRE_MFA)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_staff_without_a_second_factor_are_sent_from_every_admin_page_to_enrol(mfa_required):
    access_request = _pending_request()
    client = Client()
    client.force_login(make_reviewer())

    for url in _admin_pages(access_request):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == ENROL, url
    assert ENROL_MESSAGE in [str(m) for m in get_messages(response.wsgi_request)]


def test_staff_without_a_second_factor_cannot_post_an_admin_action(mfa_required):
    access_request = _pending_request()
    client = Client()
    client.force_login(make_reviewer())

    response = _grant(client, access_request)

    assert response.status_code == 302
    assert response["Location"] == ENROL
    access_request.refresh_from_db()
    assert access_request.state == AccessRequestState.PENDING
    access_request.user.refresh_from_db()
    assert access_request.user.account_type == AccountType.PLUS


def test_a_superuser_is_staff_too(mfa_required):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:index"))["Location"] == ENROL


def test_signing_out_of_the_admin_stays_open(mfa_required):
    client = Client()
    client.force_login(make_reviewer())
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_after_enrolling_through_allauths_pages_the_reviewer_can_act(mfa_required):
    """The whole way: sent to enrol, confirm the password, scan, type the code, act."""
    reviewer = make_reviewer()
    access_request = _pending_request()
    client = Client()
    assert sign_in(client, reviewer.email, next_url="/admin/")["Location"] == "/admin/"

    page = client.get("/admin/", follow=True)
    assert page.redirect_chain[0][0] == ENROL
    assert ENROL_MESSAGE in page.content.decode()  # shown on the first page it lands on
    if page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate")):
        client.post(page.redirect_chain[-1][0], {"password": PASSWORD})
        page = client.get(ENROL)
    assert page.status_code == 200
    secret = page.context["form"].secret
    response = client.post(ENROL, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=reviewer, type=Authenticator.Type.TOTP).exists()

    assert client.get(reverse("admin:index")).status_code == 200
    response = _grant(client, access_request)
    assert response.status_code == 302
    access_request.refresh_from_db()
    assert access_request.state == AccessRequestState.GRANTED


def test_staff_with_totp_use_the_admin_as_before(mfa_required):
    reviewer = make_reviewer()
    activate_totp(reviewer)
    access_request = _pending_request()
    client = Client()
    client.force_login(reviewer)

    for url in _admin_pages(access_request)[:4]:
        assert client.get(url).status_code == 200, url
    _grant(client, access_request)
    access_request.refresh_from_db()
    assert access_request.state == AccessRequestState.GRANTED


def test_removing_the_second_factor_closes_the_admin_again(mfa_required):
    reviewer = make_reviewer()
    activate_totp(reviewer)
    client = Client()
    client.force_login(reviewer)
    assert client.get(reverse("admin:index")).status_code == 200

    Authenticator.objects.filter(user=reviewer).delete()

    assert client.get(reverse("admin:index"))["Location"] == ENROL


def test_the_two_factor_pages_stay_reachable_for_staff_without_one(mfa_required):
    client = Client()
    client.force_login(make_reviewer())
    assert client.get(reverse("mfa_index")).status_code == 200
    response = client.get(ENROL)  # allauth asks for the password first, then shows the form
    assert response.status_code == 200 or response["Location"].startswith(
        reverse("account_reauthenticate")
    )
    assert client.get(reverse("account_reauthenticate")).status_code == 200


def test_users_who_are_not_staff_are_unaffected(mfa_required):
    user = PlusUserFactory()
    client = Client()
    assert sign_in(client, user.email).status_code == 302
    assert client.get(reverse("store:list")).status_code == 200
    assert client.get(reverse("profile")).status_code == 200
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403  # as without the setting: not enrolment
    assert all(ENROL not in url for url, _ in response.redirect_chain)


def test_with_the_setting_off_staff_reach_the_admin_without_a_second_factor(settings):
    settings.PLUGINSTORE_STAFF_REQUIRE_MFA = False
    client = Client()
    client.force_login(make_reviewer())
    assert client.get(reverse("admin:index")).status_code == 200
