"""`manage.py check --deploy --fail-level WARNING` passes with the production settings, in a
process that sees only the variables production is documented to need."""

import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "plugins.example.com",
    "DATABASE_URL": "postgres://pluginstore@db.internal:5432/pluginstore",
    "REDIS_URL": "redis://cache.internal:6379/0",
    # Only what is given here: a developer's .env must not lend production anything.
    "DJANGO_READ_DOT_ENV_FILE": "false",
}


def _manage(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_secret_is_long_and_random_as_check_deploy_wants():
    assert len(PRODUCTION_ENV["DJANGO_SECRET_KEY"]) >= 50
    assert len(set(PRODUCTION_ENV["DJANGO_SECRET_KEY"])) >= 5


def test_check_deploy_passes_with_production_settings_and_a_clean_environment():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_serves_only_https_with_strict_cookies_and_a_csp():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS >= 31536000, s.DEBUG,"
        " \"'unsafe-inline'\" in s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])"
    )
    result = _manage("shell", "--verbosity", "0", "-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "False",
        "False",
    ]
