"""The access tables of PRODUCT.md sections 1 and 2, cell by cell."""

import pytest
from django.contrib.auth.models import AnonymousUser

from pluginstore import permissions, services
from pluginstore.models import PluginStatus
from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import approve, ban, make_plugin

U, A, B = PluginStatus.UNVERIFIED, PluginStatus.APPROVED, PluginStatus.BANNED

# role -> status -> (view, install, manage)
EXPECTED = {
    "anonymous": {U: (0, 0, 0), A: (1, 0, 0), B: (0, 0, 0)},
    "normal": {U: (0, 0, 0), A: (1, 0, 0), B: (0, 0, 0)},
    "plus": {U: (0, 0, 0), A: (1, 1, 0), B: (0, 0, 0)},
    "owner": {U: (1, 1, 1), A: (1, 1, 1), B: (1, 0, 1)},
    "tester": {U: (1, 1, 0), A: (1, 1, 0), B: (0, 0, 0)},
    "stranger_developer": {U: (0, 0, 0), A: (1, 1, 0), B: (0, 0, 0)},
    "reviewer": {U: (1, 0, 0), A: (1, 0, 0), B: (1, 0, 0)},
}


def _user(role, owner, tester):
    return {
        "anonymous": AnonymousUser(),
        "normal": UserFactory(),
        "plus": PlusUserFactory(),
        "owner": owner,
        "tester": tester,
        "stranger_developer": DeveloperFactory(),
        "reviewer": make_reviewer(),
    }[role]


@pytest.mark.django_db
@pytest.mark.parametrize("status", [U, A, B])
@pytest.mark.parametrize("role", list(EXPECTED))
def test_access_matrix(role, status):
    owner, tester = DeveloperFactory(), DeveloperFactory()
    plugin = make_plugin(owner)
    services.tester_invite(plugin_id=plugin.pk, by=owner, email=tester.email)
    if status != U:
        approve(plugin)
        if status == B:
            ban(plugin)
    plugin.refresh_from_db()
    assert plugin.status == status
    user = _user(role, owner, tester)

    got = (
        int(permissions.can_view(user, plugin)),
        int(permissions.install_verdict(user, plugin).allowed),
        int(permissions.can_manage(user, plugin)),
    )
    assert got == EXPECTED[role][status]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user_factory", "status", "reason"),
    [
        (None, A, "sign_in"),
        (UserFactory, A, "upgrade"),
        (PlusUserFactory, B, "banned"),
        (PlusUserFactory, U, "not_developer"),
        (DeveloperFactory, U, "not_tester"),
    ],
)
def test_install_verdict_says_why_not(user_factory, status, reason):
    plugin = make_plugin(DeveloperFactory(), status=status)
    user = user_factory() if user_factory else AnonymousUser()
    verdict = permissions.install_verdict(user, plugin)
    assert not verdict.allowed
    assert verdict.reason == reason
    assert verdict.message


@pytest.mark.django_db
def test_a_developer_who_lost_developer_access_cannot_manage_their_plugin():
    owner = DeveloperFactory()
    plugin = make_plugin(owner)
    owner.account_type = "plus"
    assert not permissions.can_manage(owner, plugin)
    assert not permissions.install_verdict(owner, plugin).allowed


@pytest.mark.django_db
def test_staff_outside_reviewers_is_not_a_reviewer():
    staff = UserFactory(is_staff=True)
    assert not permissions.is_reviewer(staff)
    assert permissions.is_reviewer(make_reviewer())
    assert permissions.can_ban(make_reviewer())
