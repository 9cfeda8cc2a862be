"""Local development (`make run`): debug on, console email, localhost plugins allowed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-dev-only-not-secret-pluginstore-key")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
PLUGINSTORE_ALLOW_LOCALHOST = env.bool("PLUGINSTORE_ALLOW_LOCALHOST", default=True)
# Optional here, so the demo reviewer and admin sign straight into the admin.
PLUGINSTORE_STAFF_REQUIRE_MFA = env.bool("PLUGINSTORE_STAFF_REQUIRE_MFA", default=False)

# The demo plugin (and any plugin a developer runs locally) serves its logo over plain http.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],  # noqa: F405
        "img-src": [
            *CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"],  # noqa: F405
            "http://localhost:*",
            "http://127.0.0.1:*",
        ],
    }
}
