"""Test settings: the real PostgreSQL when it answers (or DATABASE_URL says so), else SQLite."""

import os
import socket

from .base import *  # noqa: F403
from .base import BASE_DIR, env
from .base import CELERY_BROKER_URL as ENVIRONMENT_BROKER_URL


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PLUGINSTORE_ALLOW_LOCALHOST = False
# Off, so the browser journeys and the security suite sign reviewers straight into the admin;
# tests/security/test_staff_mfa.py turns it on.
PLUGINSTORE_STAFF_REQUIRE_MFA = False
TEST_DATABASE_PREFIX = "test_pluginstore_"

if "DATABASE_URL" in os.environ:
    DATABASES = {"default": env.db("DATABASE_URL")}
elif _answers("127.0.0.1", 5432):
    DATABASES = {"default": env.db_url_config("postgres://postgres@127.0.0.1:5432/pluginstore")}
else:
    DATABASES = {"default": env.db_url_config(f"sqlite:///{BASE_DIR / 'test.sqlite3'}")}
    # As in base.py: writers queue for the lock at BEGIN instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
# One test database per run, named after the pytest process, so two runs on one machine never
# create (or drop) the same one. A run killed before dropping its own leaves a name whose
# process is gone; tests/testdb.py drops those when the next run starts. The name goes into
# the environment so a real worker started by a test (see below) opens the same database.
os.environ.setdefault("TEST_DATABASE_NAME", f"{TEST_DATABASE_PREFIX}{os.getpid()}")
DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}

# Each test process its own cache, whatever REDIS_URL says: rate-limit counters must not leak
# between tests or between concurrent runs.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# One process (the live server is a thread of it, tasks run eagerly): its memory is shared by
# everything that bumps or reads a copy, so the tests run the copies (core/versions.py).
PLUGINSTORE_SHARED_CACHE = True

# Serve static files from the finders: no collectstatic before tests, no missing-folder warning.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Unit tests run tasks in-process; the broker tests start real workers themselves.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"

if env.bool("PLUGINSTORE_TEST_WORKER", default=False):
    # A real `celery worker` started by a test (tests/core/test_celery_worker.py): it takes
    # tasks from the broker the environment names, on a queue of its own so it never steals
    # another run's tasks, and writes into the database pytest created, so the test sees it.
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_BROKER_URL = ENVIRONMENT_BROKER_URL  # Redis with REDIS_URL, else the filesystem one
    CELERY_TASK_DEFAULT_QUEUE = env("PLUGINSTORE_TEST_WORKER_QUEUE")
    DATABASES["default"]["NAME"] = DATABASES["default"]["TEST"]["NAME"]
