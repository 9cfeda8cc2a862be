"""`manage.py seed_demo`: the demo sign-ins `make run` prints really work, however often it runs."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import AccountType, AccountTypeChange, User
from accounts.reviewers import REVIEWERS_GROUP
from demo.accounts import DEMO_ACCOUNTS

EXPECTED = {
    "normal@example.com": AccountType.NORMAL,
    "plus@example.com": AccountType.PLUS,
    "developer@example.com": AccountType.DEVELOPER,
    "dev2@example.com": AccountType.DEVELOPER,
    "reviewer@example.com": AccountType.NORMAL,
    "admin@example.com": AccountType.NORMAL,
}


def _seed(*args: str) -> str:
    # The demo catalogue is pluginstore's to test; these tests are about the accounts.
    out = StringIO()
    call_command("seed_demo", "--no-catalogue", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seeding_twice_leaves_exactly_one_of_each_demo_account():
    _seed()
    output = _seed()

    assert User.objects.filter(email__in=EXPECTED).count() == len(EXPECTED)
    for email, account_type in EXPECTED.items():
        user = User.objects.get(email=email)
        assert user.account_type == account_type, email
        addresses = EmailAddress.objects.filter(user=user)
        assert [(a.email, a.verified, a.primary) for a in addresses] == [(email, True, True)]
        assert email in output
    assert {a.email for a in DEMO_ACCOUNTS} == set(EXPECTED)


@pytest.mark.django_db
def test_every_printed_password_signs_in(client):
    output = _seed()
    for account in DEMO_ACCOUNTS:
        assert account.password in output
        assert client.login(email=account.email, password=account.password), account.email
        client.logout()


@pytest.mark.django_db
def test_the_reviewer_is_staff_in_the_reviewers_group_and_the_admin_a_superuser():
    _seed()
    reviewer = User.objects.get(email="reviewer@example.com")
    assert reviewer.is_staff
    assert not reviewer.is_superuser
    assert list(reviewer.groups.values_list("name", flat=True)) == [REVIEWERS_GROUP]
    assert reviewer.has_perm("accounts.decide_developeraccessrequest")

    admin = User.objects.get(email="admin@example.com")
    assert admin.is_staff
    assert admin.is_superuser

    for email in ("normal@example.com", "plus@example.com", "developer@example.com"):
        user = User.objects.get(email=email)
        assert not user.is_staff
        assert not user.groups.exists()


@pytest.mark.django_db
def test_seeding_again_puts_a_changed_demo_account_back_on_the_record():
    _seed()
    User.objects.filter(email="normal@example.com").update(account_type=AccountType.PLUS)

    _seed()

    user = User.objects.get(email="normal@example.com")
    assert user.account_type == AccountType.NORMAL
    change = AccountTypeChange.objects.get(user=user)
    assert (change.from_type, change.to_type) == (AccountType.PLUS, AccountType.NORMAL)
    assert change.changed_by.email == "admin@example.com"


@pytest.mark.django_db
def test_seeding_again_does_not_sign_the_demo_users_out(client):
    _seed()
    client.login(email="plus@example.com", password="demo-plus-pass")
    _seed()
    # The session hash comes from the password hash: an unchanged hash keeps the session.
    assert client.get("/healthz").wsgi_request.user.email == "plus@example.com"


@pytest.mark.django_db
def test_seed_demo_as_make_run_runs_it_is_safe_to_run_twice():
    """With the catalogue too."""
    for _ in range(2):
        out = StringIO()
        call_command("seed_demo", stdout=out)
    assert User.objects.filter(email__in=EXPECTED).count() == len(EXPECTED)
    assert "Demo sign-ins" in out.getvalue()
