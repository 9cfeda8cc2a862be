"""accounts/services.py: account types, the Plus upgrade and developer-access decisions."""

import pytest
from django.db import IntegrityError, transaction

from accounts.models import (
    AccessRequestState,
    AccountType,
    AccountTypeChange,
    DeveloperAccessRequest,
    User,
)
from accounts.services import (
    developer_access_decline,
    developer_access_grant,
    developer_access_request_create,
    user_set_account_type,
    user_upgrade_to_plus,
)
from core.exceptions import ApplicationError
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request_for(user, reason="A weather plugin for sailors."):
    return developer_access_request_create(user=user, reason=reason)


def _reload(obj):
    """A fresh copy from the database (refresh_from_db cannot reset a protected FSM field)."""
    return type(obj).objects.get(pk=obj.pk)


# Account types and what each implies


@pytest.mark.parametrize(
    ("factory", "is_plus", "is_developer"),
    [(UserFactory, False, False), (PlusUserFactory, True, False), (DeveloperFactory, True, True)],
)
def test_account_type_implies_plus_and_developer(factory, is_plus, is_developer):
    user = factory()
    assert user.is_plus is is_plus
    assert user.is_developer is is_developer


def test_a_developer_is_always_plus():
    assert DeveloperFactory().is_plus


def test_new_users_are_normal():
    user = User.objects.create_user(email="New@Example.com", password="x")
    assert user.account_type == AccountType.NORMAL
    assert user.email == "new@example.com"


def test_the_database_refuses_an_unknown_account_type():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(account_type="gold")


# Upgrade to Plus


def test_upgrading_makes_a_normal_account_plus_and_audits_it():
    user = UserFactory()
    user_upgrade_to_plus(user=user)
    assert _reload(user).account_type == AccountType.PLUS
    change = AccountTypeChange.objects.get(user=user)
    assert (change.from_type, change.to_type) == (AccountType.NORMAL, AccountType.PLUS)
    assert change.changed_by == user
    assert "no-payment" in change.reason


@pytest.mark.parametrize("factory", [PlusUserFactory, DeveloperFactory])
def test_upgrading_an_account_that_already_has_plus_is_refused(factory):
    user = factory()
    before = user.account_type
    with pytest.raises(ApplicationError, match="already Plus"):
        user_upgrade_to_plus(user=user)
    assert _reload(user).account_type == before
    assert not AccountTypeChange.objects.exists()


def test_upgrading_twice_is_refused_the_second_time():
    user = UserFactory()
    user_upgrade_to_plus(user=user)
    with pytest.raises(ApplicationError):
        user_upgrade_to_plus(user=user)
    assert AccountTypeChange.objects.filter(user=user).count() == 1


def test_a_failed_payment_leaves_the_account_unchanged(settings):
    settings.PLUGINSTORE_BILLING_BACKEND = "tests.accounts.test_services.DecliningBilling"
    user = UserFactory()
    with pytest.raises(ApplicationError, match="Card declined"):
        user_upgrade_to_plus(user=user)
    assert _reload(user).account_type == AccountType.NORMAL
    assert not AccountTypeChange.objects.exists()


class DecliningBilling:
    needs_payment = True
    label = "Pay"

    def charge_plus(self, user) -> str:
        raise ApplicationError("Card declined.")


# Requesting developer access


def test_a_plus_user_can_request_developer_access():
    user = PlusUserFactory()
    access_request = _request_for(user, reason="  A tide-table plugin.  ")
    assert access_request.state == AccessRequestState.PENDING
    assert access_request.user == user
    assert access_request.reason == "A tide-table plugin."


def test_a_normal_user_cannot_request_developer_access():
    with pytest.raises(ApplicationError, match="Upgrade to Plus first"):
        _request_for(UserFactory())
    assert not DeveloperAccessRequest.objects.exists()


def test_a_developer_cannot_request_developer_access_again():
    with pytest.raises(ApplicationError, match="already a developer"):
        _request_for(DeveloperFactory())
    assert not DeveloperAccessRequest.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_request_needs_a_reason(reason):
    with pytest.raises(ApplicationError, match="what you plan to build"):
        _request_for(PlusUserFactory(), reason=reason)
    assert not DeveloperAccessRequest.objects.exists()


def test_only_one_pending_request_at_a_time():
    user = PlusUserFactory()
    _request_for(user)
    with pytest.raises(ApplicationError, match="already have a request waiting"):
        _request_for(user)
    assert DeveloperAccessRequest.objects.filter(user=user).count() == 1


def test_the_database_also_refuses_a_second_pending_request():
    """The unique constraint holds even if two requests race past the service's check."""
    user = PlusUserFactory()
    _request_for(user)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeveloperAccessRequest.objects.create(user=user, reason="again")


def test_a_declined_user_may_ask_again(reviewer):
    user = PlusUserFactory()
    first = _request_for(user)
    developer_access_decline(request_id=first.pk, decided_by=reviewer, note="Tell us more.")
    second = _request_for(user, reason="A tide-table plugin, with a demo.")
    assert second.pk != first.pk
    assert second.state == AccessRequestState.PENDING


# Granting


def test_granting_makes_the_user_a_developer_and_audits_it(reviewer):
    user = PlusUserFactory()
    access_request = _request_for(user)

    developer_access_grant(request_id=access_request.pk, decided_by=reviewer, note="Welcome.")

    access_request = _reload(access_request)
    assert access_request.state == AccessRequestState.GRANTED
    assert access_request.decided_by == reviewer
    assert access_request.decided_at is not None
    assert access_request.decision_note == "Welcome."
    user = _reload(user)
    assert user.account_type == AccountType.DEVELOPER
    assert user.is_plus and user.is_developer
    change = AccountTypeChange.objects.get(user=user)
    assert change.changed_by == reviewer
    assert (change.from_type, change.to_type) == (AccountType.PLUS, AccountType.DEVELOPER)
    assert change.created_at is not None
    assert f"#{access_request.pk}" in change.reason


@pytest.mark.parametrize("decide_first", [developer_access_grant, developer_access_decline])
@pytest.mark.parametrize("then", [developer_access_grant, developer_access_decline])
def test_a_decided_request_cannot_be_decided_again(reviewer, decide_first, then):
    user = PlusUserFactory()
    access_request = _request_for(user)
    decide_first(request_id=access_request.pk, decided_by=reviewer, note="first")
    access_request = _reload(access_request)
    state, decided_at = access_request.state, access_request.decided_at
    account_type = _reload(user).account_type
    changes = AccountTypeChange.objects.count()

    with pytest.raises(ApplicationError, match=f"already {state}"):
        then(request_id=access_request.pk, decided_by=reviewer, note="second")

    access_request = _reload(access_request)
    assert (access_request.state, access_request.decided_at) == (state, decided_at)
    assert access_request.decision_note == "first"
    assert _reload(user).account_type == account_type
    assert AccountTypeChange.objects.count() == changes


# Declining


def test_declining_keeps_the_account_type(reviewer):
    user = PlusUserFactory()
    access_request = _request_for(user)

    developer_access_decline(request_id=access_request.pk, decided_by=reviewer, note="Not yet.")

    access_request = _reload(access_request)
    assert access_request.state == AccessRequestState.DECLINED
    assert access_request.decided_by == reviewer
    assert access_request.decision_note == "Not yet."
    assert _reload(user).account_type == AccountType.PLUS
    assert not AccountTypeChange.objects.exists()


# Who may decide


def _staff_without_permission():
    return UserFactory(is_staff=True)


def _member_not_staff(reviewer):
    """In the Reviewers group but not staff (e.g. staff status removed): not allowed."""
    reviewer.is_staff = False
    reviewer.save(update_fields=["is_staff"])
    return reviewer


@pytest.mark.parametrize("service", [developer_access_grant, developer_access_decline])
@pytest.mark.parametrize(
    "who",
    ["normal user", "plus user", "staff without the permission", "reviewer no longer staff"],
)
def test_only_staff_with_the_permission_may_decide(reviewer, service, who):
    decider = {
        "normal user": UserFactory,
        "plus user": PlusUserFactory,
        "staff without the permission": _staff_without_permission,
        "reviewer no longer staff": lambda: _member_not_staff(reviewer),
    }[who]()
    user = PlusUserFactory()
    access_request = _request_for(user)

    with pytest.raises(ApplicationError, match="not allowed"):
        service(request_id=access_request.pk, decided_by=decider)

    access_request = _reload(access_request)
    assert access_request.state == AccessRequestState.PENDING
    assert access_request.decided_by is None
    assert _reload(user).account_type == AccountType.PLUS
    assert not AccountTypeChange.objects.exists()


@pytest.mark.parametrize("service", [developer_access_grant, developer_access_decline])
def test_a_reviewer_cannot_decide_their_own_request(reviewer, service):
    reviewer.account_type = AccountType.PLUS
    reviewer.save(update_fields=["account_type"])
    access_request = _request_for(reviewer)

    with pytest.raises(ApplicationError, match="not allowed"):
        service(request_id=access_request.pk, decided_by=reviewer)

    assert _reload(access_request).state == AccessRequestState.PENDING
    assert _reload(reviewer).account_type == AccountType.PLUS


def test_an_inactive_reviewer_cannot_decide(reviewer):
    reviewer.is_active = False
    reviewer.save(update_fields=["is_active"])
    access_request = _request_for(PlusUserFactory())
    with pytest.raises(ApplicationError, match="not allowed"):
        developer_access_grant(request_id=access_request.pk, decided_by=reviewer)
    assert _reload(access_request).state == AccessRequestState.PENDING


def test_a_superuser_may_decide():
    admin = UserFactory(is_staff=True, is_superuser=True)
    access_request = _request_for(PlusUserFactory())
    developer_access_grant(request_id=access_request.pk, decided_by=admin)
    assert _reload(access_request).state == AccessRequestState.GRANTED


def test_the_state_field_cannot_be_assigned_directly():
    """The FSM field is protected: only transitions (called by the services) change it."""
    access_request = _request_for(PlusUserFactory())
    with pytest.raises(AttributeError):
        access_request.state = AccessRequestState.GRANTED


# Staff setting an account type by hand


def test_staff_setting_an_account_type_writes_an_audit_row():
    admin = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory()

    user_set_account_type(
        user_id=user.pk, account_type=AccountType.DEVELOPER, changed_by=admin, reason="Partner"
    )

    assert _reload(user).account_type == AccountType.DEVELOPER
    change = AccountTypeChange.objects.get(user=user)
    assert change.changed_by == admin
    assert (change.from_type, change.to_type) == (AccountType.NORMAL, AccountType.DEVELOPER)
    assert change.reason == "Partner"


def test_setting_the_same_account_type_writes_nothing():
    admin = UserFactory(is_staff=True, is_superuser=True)
    user = PlusUserFactory()
    user_set_account_type(user_id=user.pk, account_type=AccountType.PLUS, changed_by=admin)
    assert not AccountTypeChange.objects.exists()


def test_setting_an_unknown_account_type_is_refused():
    admin = UserFactory(is_staff=True, is_superuser=True)
    user = UserFactory()
    with pytest.raises(ApplicationError, match="not an account type"):
        user_set_account_type(user_id=user.pk, account_type="gold", changed_by=admin)
    assert _reload(user).account_type == AccountType.NORMAL


@pytest.mark.parametrize("who", ["reviewer", "plain staff", "plus user"])
def test_only_staff_who_may_change_users_may_set_account_types(reviewer, who):
    changer = {
        "reviewer": lambda: reviewer,
        "plain staff": _staff_without_permission,
        "plus user": PlusUserFactory,
    }[who]()
    user = UserFactory()
    with pytest.raises(ApplicationError, match="not allowed"):
        user_set_account_type(user_id=user.pk, account_type=AccountType.PLUS, changed_by=changer)
    assert _reload(user).account_type == AccountType.NORMAL
    assert not AccountTypeChange.objects.exists()
