import pytest

from tests.security.world import build_world


@pytest.fixture
def world(db, django_capture_on_commit_callbacks, monkeypatch, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return build_world(django_capture_on_commit_callbacks, monkeypatch)
