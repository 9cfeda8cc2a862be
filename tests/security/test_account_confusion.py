"""Inviting a tester by email must reach exactly that account, never a look-alike whose
address only matches after Unicode case folding ("alıce" with a dotless ı upper-cases to
"ALICE" in SQL), or the look-alike gets the unverified plugin."""

import pytest

from core.exceptions import ApplicationError
from pluginstore import services
from tests.factories import DeveloperFactory
from tests.pluginstore.helpers import register

pytestmark = pytest.mark.django_db


def test_a_tester_invitation_never_reaches_a_look_alike_account():
    owner = DeveloperFactory()
    look_alike = DeveloperFactory(email="al\u0131ce@example.com")  # registered first
    alice = DeveloperFactory(email="alice@example.com")
    plugin = register(owner)

    invitation = services.tester_invite(plugin_id=plugin.pk, by=owner, email="alice@example.com")

    assert invitation.developer == alice
    assert not plugin.testers.filter(developer=look_alike).exists()


def test_an_invitation_still_ignores_the_case_of_the_address():
    owner = DeveloperFactory()
    alice = DeveloperFactory(email="alice@example.com")
    plugin = register(owner)

    invitation = services.tester_invite(plugin_id=plugin.pk, by=owner, email="Alice@Example.COM")

    assert invitation.developer == alice


def test_a_look_alike_address_alone_finds_nobody():
    owner = DeveloperFactory()
    DeveloperFactory(email="al\u0131ce@example.com")
    plugin = register(owner)

    with pytest.raises(ApplicationError):
        services.tester_invite(plugin_id=plugin.pk, by=owner, email="alice@example.com")
