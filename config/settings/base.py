"""Settings shared by every environment; all configuration is read from the environment here."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A developer's .env fills in what the real environment leaves unset; tests that must see the
# bare environment (production refusing to start without a secret) turn it off.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True) and (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("PLUGINSTORE_SITE_URL", default="http://127.0.0.1:8000")

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once; WAL lets readers go on meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_fsm",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "core",
    "accounts",
    "domains",
    "pluginstore",
    "watch",
    "reports",
    "ratings",
    "reviews",
    "api",
    "inbox",
    "demo",
]

MIDDLEWARE = [
    # First: the client's address behind PLUGINSTORE_TRUSTED_PROXY_HOPS proxies, derived once.
    "core.middleware.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL or lone surrogates in a cookie: dropped before the session is looked up by it.
    "core.input_guard.PoisonCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, the user's row read from a copy kept until it changes (accounts/middleware.py).
    "accounts.middleware.CachedUserAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # ... in the query string: cleaned; in the path or a form: a 400 page (core/input_guard.py).
    "core.input_guard.PoisonInputMiddleware",
    # Staff without a second factor are sent to enrol before the admin lets them act.
    "accounts.middleware.StaffSecondFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "inbox.context_processors.unread_messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/store/"

# django-allauth: email is the identity; it must be verified before signing in.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"  # its get_client_ip keys every limit
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[PluginStore] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("PLUGINSTORE_HTTP_PROTOCOL", default="http")
# Allauth's defaults, spelled out because the security suite pins them:
# the sixth failed sign-in for one account within five minutes is refused.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "request_login_code": "20/m/ip,3/m/key",
    "reauthenticate": "10/m/user",
    "mfa_authenticate": "5/m/ip,5/5m/user",
    "mfa_reauthenticate": "10/m/user",
    "mfa_trust": "20/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "PluginStore"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="PluginStore <noreply@pluginstore.test>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Content-Security-Policy (django-csp 4): no inline scripts anywhere; scripts carry a nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Read from the cache, kept in the database: a cache flush signs nobody out (core/sessions.py).
SESSION_ENGINE = "core.sessions"

REDIS_URL = env("REDIS_URL", default="")

# allauth keeps its rate-limit counters and used TOTP codes in the cache, so every web process
# must share one: with per-process memory, each gunicorn worker would count (and remember) on
# its own. Without Redis there is one process (`make run`), and local memory is enough.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pluginstore",
            # Like the broker: a frozen Redis fails a request fast instead of hanging it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Per-user and per-plugin copies (core/versions.py) need one cache every process sees: a bump
# made by the worker must reach the web server. Off without Redis (each process its own memory).
PLUGINSTORE_SHARED_CACHE = bool(REDIS_URL)

# Celery. With REDIS_URL unset the broker is kombu's filesystem transport, which needs no
# server, so `make run` still runs a real worker on a fresh machine.
CELERY_BROKER_DIR = Path(env("CELERY_BROKER_DIR", default=str(BASE_DIR / ".run" / "broker")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    # The host part means nothing to this transport; naming one keeps kombu from warning.
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS_FILESYSTEM = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
        # kombu's default is 1 s between looks at an empty folder (and while the worker holds
        # its prefetch limit): approval -> inbox p99 was 1.0 s; at 0.1 s it is 0.13 s
        # (bench/latency.py --make-run-default, bench/RESULTS.md).
        "polling_interval": 0.1,
    }
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than any task's hard limit, so a slow task is never handed out twice.
    "visibility_timeout": 3600,
    # Never let a frozen Redis hang a web request: fail fast, the outbox retries later.
    # (Above the worker's 1 s BRPOP poll, which needs the read to outlast it.)
    "socket_timeout": 1.5,
    "socket_connect_timeout": 1,
    # One try: a request that could not publish leaves the row for the beat sweep.
    "max_retries": 0,
}
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS.update(CELERY_BROKER_TRANSPORT_OPTIONS_FILESYSTEM)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TIMEZONE = TIME_ZONE
# With acks_late a task cut off by a lost broker connection is redelivered, so stop it at once
# rather than letting it finish and ack on a channel that no longer exists.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / ".run" / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {
        "task": "core.tasks.worker_heartbeat_task",
        "schedule": 30.0,
        # A heartbeat nobody ran in time is worthless: drop it rather than pile them up.
        "options": {"expires": 30.0},
    },
    "fetch-jobs-resume-stale": {
        # Register/refresh jobs whose task was lost while the broker was down.
        "task": "pluginstore.tasks.fetch_jobs_resume_stale_task",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    "changes-requested-deadlines": {
        # Reminders 3 days before a request for changes is due, then rejections when it is.
        "task": "reviews.tasks.changes_requested_deadlines_task",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
    "notifications-redeliver": {
        # Notification intents whose delivery task was lost (broker down) or failed.
        "task": "inbox.tasks.notifications_redeliver_task",
        "schedule": 30.0,
        "options": {"expires": 30.0},
    },
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# PluginStore's own settings.
PLUGINSTORE_ALLOW_LOCALHOST = env.bool("PLUGINSTORE_ALLOW_LOCALHOST", default=False)
PLUGINSTORE_BILLING_BACKEND = env(
    "PLUGINSTORE_BILLING_BACKEND", default="accounts.billing.ConfirmOnlyBilling"
)
UNVERIFIED_DEVELOPER_LIMIT = 100
# /healthz?worker=1 (the worker heartbeat's age) answers staff, and monitoring that sends
# "Authorization: Bearer <this>"; empty means staff only. Plain /healthz stays public.
PLUGINSTORE_HEALTHZ_TOKEN = env("PLUGINSTORE_HEALTHZ_TOKEN", default="")
# Seconds the checker gives openapi-spec-validator for one spec (a child process, killed when
# the time is up; pluginstore/checks/openapi.py). Well under the fetch task's soft time limit,
# which also covers two fetches (tests/security/test_hostile_plugin_servers.py pins the sum).
PLUGINSTORE_SPEC_VALIDATION_SECONDS = env.float("PLUGINSTORE_SPEC_VALIDATION_SECONDS", default=15.0)
REVIEW_TARGET_DAYS = 7
# A developer asked for changes answers within this many days, or the submission is rejected;
# they are reminded CHANGES_REMINDER_DAYS before the deadline (reviews.changes).
INFO_REQUEST_DAYS = 14
CHANGES_REMINDER_DAYS = 3
# How many proxies of ours (load balancer, CDN) stand in front of the web processes, each
# appending the address it got the request from to X-Forwarded-For. The client is that many
# entries from the right (core/middleware.py); every rate limit keys on it. 0 (the default)
# trusts no header: set it only when every request reaches gunicorn through those proxies.
PLUGINSTORE_TRUSTED_PROXY_HOPS = env.int("PLUGINSTORE_TRUSTED_PROXY_HOPS", default=0)
# Staff must enrol an authenticator app before the admin lets them act (accounts/middleware.py).
# Always on in production; local development and the tests turn it off.
PLUGINSTORE_STAFF_REQUIRE_MFA = env.bool("PLUGINSTORE_STAFF_REQUIRE_MFA", default=True)
# The site's name in account emails ("Hello from PluginStore!"), not the request's host.
PLUGINSTORE_SITE_NAME = env("PLUGINSTORE_SITE_NAME", default="PluginStore")
# User reports (PRODUCT.md section 11, the reports app): how many one user may file in an hour.
REPORTS_PER_HOUR = env.int("PLUGINSTORE_REPORTS_PER_HOUR", default=5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Ratings (the ratings app; README "Ratings and reviews"): the store ranks by a Bayesian
# average, (RATING_PRIOR_WEIGHT * RATING_PRIOR_MEAN + sum of stars) / (RATING_PRIOR_WEIGHT +
# number of ratings), so a plugin with one 5-star rating does not top the store.
RATING_PRIOR_MEAN = 3.5
RATING_PRIOR_WEIGHT = 5

# The watch (PRODUCT.md section 10, the watch app; README "Watching approved plugins"): every
# approved plugin is re-fetched once a day at its slot (its id's minute of the day). Beat starts
# a run every WATCH_BEAT_SECONDS; a run claims due plugins until WATCH_RUN_SECONDS have passed,
# at most WATCH_CONCURRENCY at once across every worker (lanes: PostgreSQL advisory locks). A
# claim is a lease of WATCH_LEASE_SECONDS: a killed worker's plugin is taken again after it.
WATCH_CONCURRENCY = env.int("PLUGINSTORE_WATCH_CONCURRENCY", default=8)
WATCH_BEAT_SECONDS = 300
WATCH_RUN_SECONDS = 240
WATCH_LEASE_SECONDS = 300
# Unreachable this many days running: the owner is told; then the store marks it unavailable.
WATCH_TELL_UNREACHABLE_DAYS = 3
WATCH_UNAVAILABLE_DAYS = 7
CELERY_BEAT_SCHEDULE["watch-run"] = {
    "task": "watch.tasks.watch_run_task",
    "schedule": float(WATCH_BEAT_SECONDS),
    "options": {"expires": float(WATCH_BEAT_SECONDS)},
}

# The developer API (the api app; README "The developer API"): django-ninja renders its docs
# page from its own templates and static files (Swagger UI, no CDN) when it is an app.
INSTALLED_APPS += ["ninja"]
CELERY_BEAT_SCHEDULE["api-token-uses-prune"] = {
    # Audit rows of API token use older than api.tokens.AUDIT_RETENTION_DAYS.
    "task": "api.tasks.api_token_uses_prune_task",
    "schedule": 3600.0,
    "options": {"expires": 3600.0},
}

# Domain ownership (PRODUCT.md section 9, the domains app; README "Domain ownership"). The DNS
# TXT proof is resolved with these name servers (IP addresses; empty: the system's resolver)
# on this port, each lookup within this many seconds. Under the local development setting a
# localhost plugin counts as verified unless PLUGINSTORE_LOCAL_DOMAINS_VERIFIED is off.
PLUGINSTORE_DNS_NAMESERVERS = env.list("PLUGINSTORE_DNS_NAMESERVERS", default=[])
PLUGINSTORE_DNS_PORT = env.int("PLUGINSTORE_DNS_PORT", default=53)
PLUGINSTORE_DNS_TIMEOUT_SECONDS = env.float("PLUGINSTORE_DNS_TIMEOUT_SECONDS", default=5.0)
PLUGINSTORE_LOCAL_DOMAINS_VERIFIED = env.bool("PLUGINSTORE_LOCAL_DOMAINS_VERIFIED", default=True)
CELERY_BEAT_SCHEDULE["domain-rechecks"] = {
    # Claims due for their 30-day re-check (daily while the proof is lost), in a bounded batch,
    # and the owners whose proof stayed lost for 14 days told that submissions are blocked.
    "task": "domains.tasks.domain_rechecks_task",
    "schedule": 3600.0,
    "options": {"expires": 3600.0},
}
