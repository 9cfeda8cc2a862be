import pytest

from accounts.models import AccountType
from tests.factories import DeveloperFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import register


@pytest.fixture
def developer():
    return DeveloperFactory()


@pytest.fixture
def plugin(developer):
    return register(developer)


@pytest.fixture
def reviewer():
    return make_reviewer()


@pytest.fixture
def other_reviewer():
    return make_reviewer()


@pytest.fixture
def staff_outsider():
    """Staff, but not in the Reviewers group."""
    return UserFactory(is_staff=True)


@pytest.fixture
def reviewer_developer():
    """A reviewer who also develops plugins (and may not review their own)."""
    return make_reviewer(account_type=AccountType.DEVELOPER)
