"""Demo accounts for `make run` (`python manage.py seed_demo`): one of each kind, fixed passwords.

These passwords are printed by `make run` and written in the README: they are for a local demo
database only. Seeding is idempotent: running it again finds each account by email and puts it
back as described here (type, staff flags, group, verified email, password).

Nothing here touches the models at import time (accounts.choices is not models), so
scripts/run.py can print the table before Django is set up.
"""

from dataclasses import dataclass

from accounts.choices import AccountType


@dataclass(frozen=True)
class DemoAccount:
    key: str
    email: str
    password: str
    display_name: str
    account_type: AccountType
    role: str  # what to try with it, for the sign-ins table
    is_staff: bool = False
    is_superuser: bool = False
    reviewer: bool = False


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount(
        "normal",
        "normal@example.com",
        "demo-normal-pass",
        "Nora Normal",
        AccountType.NORMAL,
        "normal account: browses the store, can upgrade to Plus",
    ),
    DemoAccount(
        "plus",
        "plus@example.com",
        "demo-plus-pass",
        "Pat Plus",
        AccountType.PLUS,
        "Plus account: installs approved plugins, can request developer access",
    ),
    DemoAccount(
        "developer",
        "developer@example.com",
        "demo-developer-pass",
        "Dana Developer",
        AccountType.DEVELOPER,
        "developer: registers and submits plugins",
    ),
    DemoAccount(
        "dev2",
        "dev2@example.com",
        "demo-dev2-pass",
        "Devon Second",
        AccountType.DEVELOPER,
        "a second developer (to invite as a tester)",
    ),
    DemoAccount(
        "reviewer",
        "reviewer@example.com",
        "demo-reviewer-pass",
        "Riley Reviewer",
        AccountType.NORMAL,
        "staff in the Reviewers group: reviews in /admin/",
        is_staff=True,
        reviewer=True,
    ),
    DemoAccount(
        "admin",
        "admin@example.com",
        "demo-admin-pass",
        "Ada Admin",
        AccountType.NORMAL,
        "superuser: everything in /admin/",
        is_staff=True,
        is_superuser=True,
    ),
)


def sign_ins_table() -> str:
    """The demo sign-ins as a plain-text table, for the terminal."""
    rows = [("email", "password", "what it is")]
    rows += [(a.email, a.password, a.role) for a in DEMO_ACCOUNTS]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"  {r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]}" for r in rows]
    lines.insert(1, f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * 10}")
    return "\n".join(lines)


def seed_accounts() -> dict:
    """Create or reset the demo accounts; returns {key: User}, keys as in DEMO_ACCOUNTS."""
    from django.db import transaction

    with transaction.atomic():
        # The superuser first: it is who any reset of another account's type is audited to.
        admin_spec = next(a for a in DEMO_ACCOUNTS if a.key == "admin")
        users = {"admin": _seed_one(admin_spec, changed_by=None)}
        for spec in DEMO_ACCOUNTS:
            if spec.key != "admin":
                users[spec.key] = _seed_one(spec, changed_by=users["admin"])
    return users


def _seed_one(spec: DemoAccount, *, changed_by):
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    from accounts.models import User
    from accounts.reviewers import REVIEWERS_GROUP
    from accounts.services import user_set_account_type

    user = User.objects.filter(email__iexact=spec.email).first()
    if user is None:
        # A new account is created with its type: that is not a change of type to audit.
        user = User(email=spec.email, account_type=spec.account_type)
    user.display_name = spec.display_name
    user.is_active = True
    user.is_staff = spec.is_staff
    user.is_superuser = spec.is_superuser
    # Setting the same password again would still change the hash and sign the user out.
    if not user.has_usable_password() or not user.check_password(spec.password):
        user.set_password(spec.password)
    user.save()

    if user.account_type != spec.account_type:
        # Someone changed a demo account while trying the site: put it back, on the record.
        user = user_set_account_type(
            user_id=user.pk,
            account_type=spec.account_type,
            changed_by=changed_by or user,
            reason="Demo data reset by seed_demo",
        )

    reviewers = Group.objects.get(name=REVIEWERS_GROUP)
    if spec.reviewer:
        user.groups.add(reviewers)
    else:
        user.groups.remove(reviewers)

    EmailAddress.objects.filter(user=user).exclude(email__iexact=spec.email).update(primary=False)
    address = EmailAddress.objects.filter(user=user, email__iexact=spec.email).first()
    if address is None:
        address = EmailAddress(user=user, email=spec.email)
    address.verified = True
    address.primary = True
    address.save()
    return user
