import pytest
from django.core.cache import cache

from tests.factories import make_reviewer


@pytest.fixture(autouse=True)
def _clear_cache():
    """allauth keeps rate limits and used TOTP codes in Django's cache: start every test clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def reviewer(db):
    """A staff member of the Reviewers group (which may decide developer-access requests)."""
    return make_reviewer(email="reviewer@example.com")
