import pytest

from tests.factories import DeveloperFactory, PlusUserFactory, UserFactory, make_reviewer
from tests.pluginstore.helpers import make_plugin


@pytest.fixture
def owner():
    return DeveloperFactory(display_name="Owner")


@pytest.fixture
def plugin(owner):
    return make_plugin(owner, status="approved", name_for_human="Book Finder")


@pytest.fixture
def reporter():
    return UserFactory(display_name="Reporter")


@pytest.fixture
def plus_user():
    return PlusUserFactory(display_name="Installer")


@pytest.fixture
def reviewer():
    return make_reviewer(display_name="Reviewer")
