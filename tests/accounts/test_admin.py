"""The reviewer's side of accounts in the Django admin: deciding requests, changing types."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import (
    AccessRequestState,
    AccountType,
    AccountTypeChange,
)
from accounts.reviewers import REVIEWERS_GROUP
from accounts.services import developer_access_decline, developer_access_request_create
from tests.factories import PlusUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def _pending_request(email="applicant@example.com"):
    user = PlusUserFactory(email=email)
    return developer_access_request_create(user=user, reason="A tide-table plugin.")


def _change_url(access_request):
    return reverse("admin:accounts_developeraccessrequest_change", args=[access_request.pk])


def _transition_url(access_request, name):
    return reverse(
        "admin:accounts_developeraccessrequest_transition",
        kwargs={"object_id": access_request.pk, "transition_name": name},
    )


def _reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def _press(client, access_request, transition):
    """What the change form's FSM button sends (django-fsm-2's FSMAdminMixin)."""
    return client.post(_change_url(access_request), {"_fsm_transition_to": transition})


def _staff_who_may_change_requests_but_not_decide():
    """Staff with every model permission on requests except the named decide permission."""
    staff = UserFactory(is_staff=True, email="staff@example.com")
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="accounts",
            codename__in=["view_developeraccessrequest", "change_developeraccessrequest"],
        )
    )
    return _reload(staff)


# The Reviewers group


def test_the_reviewers_group_exists_with_the_decide_permission():
    group = Group.objects.get(name=REVIEWERS_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "decide_developeraccessrequest" in codenames
    assert "view_developeraccessrequest" in codenames


def test_a_reviewer_sees_the_queue_of_requests(client, reviewer):
    access_request = _pending_request()
    client.force_login(reviewer)
    response = client.get(reverse("admin:accounts_developeraccessrequest_changelist"))
    assert response.status_code == 200
    assert access_request.user.email in response.content.decode()


# Granting and declining through the admin


def test_a_reviewer_grants_with_the_change_form_button(client, reviewer):
    access_request = _pending_request()
    client.force_login(reviewer)

    response = _press(client, access_request, "grant")

    assert response.status_code == 302
    access_request = _reload(access_request)
    assert access_request.state == AccessRequestState.GRANTED
    assert access_request.decided_by == reviewer
    user = _reload(access_request.user)
    assert user.account_type == AccountType.DEVELOPER
    change = AccountTypeChange.objects.get(user=user)
    assert change.changed_by == reviewer
    page = client.get(response["Location"]).content.decode()
    assert "Grant developer access: done." in page


def test_declining_asks_for_a_note_first(client, reviewer):
    access_request = _pending_request()
    client.force_login(reviewer)

    response = _press(client, access_request, "decline")

    assert response.status_code == 302
    assert response["Location"] == _transition_url(access_request, "decline")
    assert _reload(access_request).state == AccessRequestState.PENDING
    form_page = client.get(response["Location"])
    assert form_page.status_code == 200
    assert 'name="decision_note"' in form_page.content.decode()


def test_a_reviewer_declines_through_the_transition_form_with_a_note(client, reviewer):
    access_request = _pending_request()
    client.force_login(reviewer)

    response = client.post(
        _transition_url(access_request, "decline"),
        {"decision_note": "Please link to a working demo."},
    )

    assert response.status_code == 302
    access_request = _reload(access_request)
    assert access_request.state == AccessRequestState.DECLINED
    assert access_request.decided_by == reviewer
    assert access_request.decision_note == "Please link to a working demo."
    assert _reload(access_request.user).account_type == AccountType.PLUS


def test_declining_without_a_note_is_refused(client, reviewer):
    access_request = _pending_request()
    client.force_login(reviewer)

    response = client.post(_transition_url(access_request, "decline"), {"decision_note": ""})

    assert response.status_code == 200
    assert response.context["transition_form"].errors["decision_note"]
    assert _reload(access_request).state == AccessRequestState.PENDING


def test_pressing_grant_on_a_declined_request_changes_nothing(client, reviewer):
    access_request = _pending_request()
    developer_access_decline(request_id=access_request.pk, decided_by=reviewer, note="No.")
    client.force_login(reviewer)

    response = _press(client, access_request, "grant")

    assert response.status_code in (302, 403)
    access_request = _reload(access_request)
    assert access_request.state == AccessRequestState.DECLINED
    assert access_request.decision_note == "No."
    assert _reload(access_request.user).account_type == AccountType.PLUS


# The django-fsm-2 4.2.4 gap: its button handler does not re-check the transition permission.


@pytest.mark.parametrize("transition", ["grant", "decline"])
def test_staff_without_the_decide_permission_get_403_and_no_change(client, transition):
    access_request = _pending_request()
    staff = _staff_who_may_change_requests_but_not_decide()
    client.force_login(staff)

    response = _press(client, access_request, transition)

    assert response.status_code == 403
    access_request = _reload(access_request)
    assert access_request.state == AccessRequestState.PENDING
    assert access_request.decided_by is None
    assert _reload(access_request.user).account_type == AccountType.PLUS
    assert not AccountTypeChange.objects.exists()


def test_staff_without_the_decide_permission_cannot_use_the_transition_form(client):
    access_request = _pending_request()
    client.force_login(_staff_who_may_change_requests_but_not_decide())

    client.post(_transition_url(access_request, "decline"), {"decision_note": "No."})

    assert _reload(access_request).state == AccessRequestState.PENDING


def test_a_reviewer_cannot_grant_their_own_request_through_the_admin(client, reviewer):
    reviewer.account_type = AccountType.PLUS
    reviewer.save(update_fields=["account_type"])
    access_request = developer_access_request_create(user=reviewer, reason="Mine.")
    client.force_login(reviewer)

    response = _press(client, access_request, "grant")

    assert response.status_code == 403
    assert _reload(access_request).state == AccessRequestState.PENDING
    assert _reload(reviewer).account_type == AccountType.PLUS


def test_the_admin_ignores_a_posted_state_field(client, reviewer):
    """The state is read-only in the admin: a hand-crafted 'state' never reaches the row."""
    access_request = _pending_request()
    client.force_login(reviewer)
    client.post(_change_url(access_request), {"state": "granted", "_save": "Save"})
    assert _reload(access_request).state == AccessRequestState.PENDING


# Only the buttons the user may take


def _buttons(response) -> set[str]:
    """The FSM buttons on a rendered change form."""
    return set(re.findall(r'name="_fsm_transition_to"\s+value="(\w+)"', response.content.decode()))


def test_a_reviewer_sees_grant_and_decline_on_a_pending_request(client, reviewer):
    access_request = _pending_request()
    client.force_login(reviewer)
    response = client.get(_change_url(access_request))
    assert response.status_code == 200
    assert _buttons(response) == {"grant", "decline"}


def test_no_buttons_on_a_decided_request(client, reviewer):
    access_request = _pending_request()
    developer_access_decline(request_id=access_request.pk, decided_by=reviewer, note="No.")
    client.force_login(reviewer)
    response = client.get(_change_url(access_request))
    assert _buttons(response) == set()


def test_no_buttons_for_staff_without_the_decide_permission(client):
    access_request = _pending_request()
    client.force_login(_staff_who_may_change_requests_but_not_decide())
    response = client.get(_change_url(access_request))
    assert response.status_code == 200
    assert _buttons(response) == set()


def test_no_buttons_on_ones_own_request(client, reviewer):
    reviewer.account_type = AccountType.PLUS
    reviewer.save(update_fields=["account_type"])
    access_request = developer_access_request_create(user=reviewer, reason="Mine.")
    client.force_login(reviewer)
    response = client.get(_change_url(access_request))
    assert _buttons(response) == set()


# Account types in the User admin


def _user_change_data(client, user, **changes) -> dict:
    """The User change form as the browser would post it, with `changes` applied."""
    response = client.get(reverse("admin:accounts_user_change", args=[user.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        if value is True:
            data[bound.html_name] = "on"
        elif value not in (None, False):
            data[bound.html_name] = value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{k}": v for k, v in management.initial.items()})
    return {**data, **changes, "_save": "Save"}


def test_staff_changing_an_account_type_in_the_admin_is_audited(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True, email="boss@example.com")
    user = UserFactory(email="someone@example.com")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _user_change_data(client, user, account_type=AccountType.PLUS),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert _reload(user).account_type == AccountType.PLUS
    change = AccountTypeChange.objects.get(user=user)
    assert change.changed_by == admin_user
    assert (change.from_type, change.to_type) == (AccountType.NORMAL, AccountType.PLUS)
    assert change.reason == "Changed in the admin"


def test_saving_a_user_without_changing_the_type_writes_no_audit_row(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory(display_name="Old")
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _user_change_data(client, user, display_name="New"),
    )

    assert response.status_code == 302
    assert _reload(user).display_name == "New"
    assert not AccountTypeChange.objects.exists()


def test_the_user_page_shows_the_account_type_history(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory()
    client.force_login(admin_user)
    client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _user_change_data(client, user, account_type=AccountType.DEVELOPER),
    )
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert "Account type history" in page
    assert "Changed in the admin" in page


def test_the_audit_log_is_read_only_in_the_admin(client):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory()
    client.force_login(admin_user)
    client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _user_change_data(client, user, account_type=AccountType.PLUS),
    )
    change = AccountTypeChange.objects.get(user=user)

    assert client.get(reverse("admin:accounts_accounttypechange_add")).status_code == 403
    delete_url = reverse("admin:accounts_accounttypechange_delete", args=[change.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:accounts_accounttypechange_change", args=[change.pk])
    client.post(change_url, {"to_type": AccountType.DEVELOPER, "reason": "edited"})
    assert AccountTypeChange.objects.get(pk=change.pk).to_type == AccountType.PLUS
