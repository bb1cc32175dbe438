"""Settings for the Kaiyihui platform.

One module for every environment: production differs from a developer's machine only by
environment variables (see .env.example). A bad value stops start-up with a message that
names the variable, instead of running with a surprise.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env (copied from .env.example by `make run`) fills in what the real environment
# leaves unset; real environment variables always win.
if env.str("DJANGO_READ_DOT_ENV", default="true").lower() != "false":
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Strict boolean: django-environ reads any unknown word as False, which hides typos."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of: true/false, 1/0, yes/no, on/off."
    )


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default=None)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set and DJANGO_DEBUG is off. Set a long random "
            "secret (python -c 'import secrets; print(secrets.token_urlsafe(50))'), or set "
            "DJANGO_DEBUG=true on a development machine."
        )
    # Debug only: production refuses to start without a secret (above).
    SECRET_KEY = "insecure-development-only-key-do-not-use-in-production"  # nosec B105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is empty with DJANGO_DEBUG off; list the host names that serve "
        "the platform, separated by commas."
    )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # django.contrib.admin with the platform's site: module order, technical models hidden.
    "core.admin_site.KaiyihuiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    # Two-factor sign-in: TOTP authenticator apps, and static tokens as recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_celery_beat",
    "import_export",
    # The public read API (rankings.api): DRF, its OpenAPI schema, Swagger UI served offline.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Our apps, lowest layer first: an app imports only the apps above it in this list.
    "accounts",
    "audit",
    "twofactor",
    "notifications",
    "jobs",
    "incubation",
    "partybuilding",
    "marketplace",
    "volunteering",
    "evaluation",
    "funding",
    "awards",
    "rankings",
    "reporting",
    "operations",
    # The project package: installed for its migrations only (see kaiyihui/apps.py).
    "kaiyihui",
]

MIDDLEWARE = [
    "core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # 400 for a NUL or control character in the path, query or form, before any lookup.
    "core.middleware.RejectControlCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on every signed-in page and every download.
    "core.middleware.PrivatePagesMiddleware",
    # request.user.is_verified(): the session passed a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Holds a signed-in but unverified session at the code or set-up page (twofactor).
    "twofactor.middleware.TwoFactorMiddleware",
    # Holds an account with a temporary password at the password change page (accounts).
    "accounts.middleware.MustChangePasswordMiddleware",
    "audit.context.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # With DEBUG on, the Chinese 404.html / 500.html instead of Django's technical pages.
    "core.middleware.FriendlyErrorPagesMiddleware",
    # Last, as django-axes asks: it turns a lock-out into our Chinese lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaiyihui.urls"
WSGI_APPLICATION = "kaiyihui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.platform",
            ],
            # core has no models, so it is no installed app: its tag library is named here.
            "libraries": {"money": "core.templatetags.money"},
        },
    },
]

# --- Database -------------------------------------------------------------------------
# Embedded default: a SQLite file next to manage.py, so `make run` needs nothing installed.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several staff or browser tabs write at once (tests/kaiyihui/test_concurrent_writes.py).
    # select_for_update is a no-op on SQLite, so an atomic block that reads and then writes
    # would ask to upgrade its lock while another writer holds it, and SQLite answers
    # "database is locked" at once (waiting could deadlock): HTTP 500. IMMEDIATE takes the
    # write lock at BEGIN, where SQLite can wait; `timeout` (seconds) is how long it waits
    # (sqlite3.connect's busy timeout). WAL lets readers go on while one writes; with WAL,
    # synchronous=NORMAL stays consistent after a crash and saves an fsync per commit.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
    # Re-check a pooled connection before use, so a PostgreSQL restart needs no manual action.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT: the pages run short queries whose plans PostgreSQL over-estimates, and
    # compiling them took half the time of the coverage page (measured by make bench).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes must come first: it refuses locked-out logins before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: after 5 failures for one user name from one address, that pair is
# locked for 15 minutes (even the right password is refused).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The client's address behind the production proxy (core.clientip): without it every
# user would share the proxy's address, and five wrong passwords for one name would lock
# that name out for everyone. How many proxies (nginx, a load balancer) stand in front
# and append to X-Forwarded-For; 0 ignores the header, so a client cannot choose its own
# address. docker-compose.yml sets 1.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"

# Two-factor sign-in (twofactor/): who must set up an authenticator before reaching any
# page; everyone else may turn it on. "superuser" stands for is_superuser, the others are
# role codes (accounts.roles). Not an environment variable: production always requires
# it. tests/conftest.py narrows it for the tests of other areas (see there).
KAIYIHUI_REQUIRE_2FA_ROLES = ("superuser", "street_admin")
OTP_TOTP_ISSUER = "凯益荟"
# Device secrets stay out of any admin page (the device admins are also unregistered).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Cache ----------------------------------------------------------------------------
# CACHE_URL=redis://… (production: docker-compose.yml) gives every gunicorn worker one
# shared cache: a public page's rows are built once for all workers, not once per worker,
# and the API throttle counts a client's requests across workers. Sessions are then read
# from it and written through to the database (make load: one query fewer per request).
# Without it each process keeps its own memory, and sessions stay in the database only:
# a session cached per process would go stale when another process changes it.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "kaiyihui",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_URL:
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r}: only redis:// is supported.")

# --- Language, time, formats ----------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- E-mail ---------------------------------------------------------------------------
# Default prints mails on the console; production sets EMAIL_URL=smtp+tls://user:pw@host:587
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="凯益荟 <noreply@kaiyihui.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="") or env.str("REDIS_URL", default="")
# `make run` sets CELERY_BROKER_URL=filesystem:// (.env.example): a real worker and beat
# with no broker server to install. With no broker at all, tasks run inline inside the
# web request and beat never fires (no reminders, no monthly reports): acceptable on a
# developer's machine, never silently in production.
KAIYIHUI_ALLOW_INLINE_TASKS = env_bool("KAIYIHUI_ALLOW_INLINE_TASKS", default=DEBUG)
if not CELERY_BROKER_URL and not KAIYIHUI_ALLOW_INLINE_TASKS:
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL is not set and DJANGO_DEBUG is off: tasks would run inline in "
        "web requests and no reminder or scheduled report would ever be sent. Set "
        "CELERY_BROKER_URL (redis://127.0.0.1:6379/0 in production; filesystem:// for one "
        "machine without Redis) and run a worker and beat, or set "
        "KAIYIHUI_ALLOW_INLINE_TASKS=true to run tasks inline on purpose."
    )
# With no broker configured tasks run inline; with one, never.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = (
    env.str(
        "CELERY_RESULT_BACKEND",
        default=CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "",
    )
    or None
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
# A task that dies with its worker is handed to another worker instead of being dropped.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 660)
# WeasyPrint grows per render; recycle worker processes now and then.
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("CELERY_WORKER_MAX_TASKS_PER_CHILD", 100)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A message taken by a worker that then dies (SIGKILL, power loss) goes back to the queue
# after this many seconds; longer than the longest task, or a slow task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", CELERY_TASK_TIME_LIMIT + 60)
}
if CELERY_BROKER_URL.startswith("filesystem"):
    # Kombu's filesystem transport, the `make run` default: one file per message in one
    # folder that web, worker and beat share (in = out). Chosen over the SQLAlchemy
    # transport by bench/broker-results.md. It has no visibility timeout: a message is
    # taken off the folder when the worker fetches it, so acks-late only protects a warm
    # shutdown (unacked messages are written back); a SIGKILLed worker loses its task,
    # which the jobs sweep and the e-mail sweep pick up again (visibility_timeout above is
    # ignored). One machine, one worker (bench/broker-results.md).
    CELERY_BROKER_FILESYSTEM_DIR = Path(
        env.str("CELERY_BROKER_FILESYSTEM_DIR", default=str(BASE_DIR / "var" / "celery"))
    )
    for _folder in ("queue", "control"):
        (CELERY_BROKER_FILESYSTEM_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(CELERY_BROKER_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_FILESYSTEM_DIR / "queue"),
        "control_folder": str(CELERY_BROKER_FILESYSTEM_DIR / "control"),
        "store_processed": False,
        # Kombu polls once a second by default, and with prefetch 1 the worker waits one
        # interval after every task: 1 task/s. At 0.1 s: ~11 tasks/s, 0.3 % idle CPU.
        "polling_interval": 0.1,
    }
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The schedule lives here; beat copies it into django-celery-beat's tables at start, where
# staff see it in the admin. Times are Asia/Shanghai.
CELERY_BEAT_SCHEDULE = {
    "incubation-reminders": {
        "task": "incubation.send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "party-reminders": {
        "task": "partybuilding.send_reminders",
        "schedule": crontab(hour=8, minute=10),
    },
    "evaluation-reminders": {
        "task": "evaluation.send_reminders",
        "schedule": crontab(hour=8, minute=20),
    },
    "funding-reminders": {
        "task": "funding.send_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "notifications-email-pending": {
        "task": "notifications.email_pending",
        "schedule": crontab(minute="*/10"),
    },
    "jobs-requeue-waiting": {
        "task": "jobs.requeue_waiting",
        "schedule": crontab(minute="*/5"),
    },
    # The street and community dashboards read figures kept by the worker.
    "dashboard-figures": {
        "task": "reporting.refresh_viewed_area_figures",
        "schedule": crontab(minute="*/5"),
    },
    "statistics-reports": {
        "task": "reporting.scheduled_reports",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    "marketplace-reminders": {
        "task": "marketplace.send_reminders",
        "schedule": crontab(hour=8, minute=40),
    },
    "marketplace-expire-claims": {
        "task": "marketplace.expire_claims",
        "schedule": crontab(hour=1, minute=30),
    },
    "credit-list-escalation": {
        "task": "incubation.escalate_credit_listings",
        "schedule": crontab(hour=2, minute=30),
    },
    # The day before a session, those with a place; at night, sessions that ended are
    # closed with their no-shows.
    "volunteering-reminders": {
        "task": "volunteering.send_reminders",
        "schedule": crontab(hour=8, minute=50),
    },
    "volunteering-close-sessions": {
        "task": "volunteering.close_sessions",
        "schedule": crontab(hour=2, minute=10),
    },
}
CELERY_TIMEZONE = TIME_ZONE

# --- Security -------------------------------------------------------------------------
# Content-Security-Policy (django-csp): scripts only from our own static files, never
# inline or eval; inline style attributes are allowed (the stock admin uses them). Images
# may be data: URIs (QR codes). No page may be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SECURE_REFERRER_POLICY = "same-origin"

# --- Logging --------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Inline tasks (no broker) would log every success; failures still show.
        "celery.app.trace": {"level": "WARNING"},
    },
}

# --- Platform -------------------------------------------------------------------------
PLATFORM_NAME = _("Kaiyihui Social Organization Service Platform")
# The documented demo logins (seed_demo refuses to run with debug off).
DEMO_PASSWORD = "kaiyihui2026"  # nosec B105
# With DEBUG on, users still get the Chinese 404 / 500 pages (the demo runs with DEBUG);
# true shows Django's technical pages instead, for a developer chasing an error.
KAIYIHUI_DEBUG_PAGES = env_bool("KAIYIHUI_DEBUG_PAGES", default=False)
# The platform's public address: links in e-mails and the QR code printed on evaluation
# reports (made by workers, which have no request to take the host from).
PLATFORM_BASE_URL = env.str("PLATFORM_BASE_URL", default="http://127.0.0.1:8000")
# The person in charge (负责人) of each street's hub, printed on volunteer service
# certificates (民政部令第67号), by street code: "kaixuan=王某某,…". A street not listed
# gets a blank line to sign by hand.
HUB_PERSONS_IN_CHARGE = env.dict("HUB_PERSONS_IN_CHARGE", default={})

# --- Public read API (rankings.api, /api/v1/) -----------------------------------------
# Anonymous and read-only: no authentication (no session, no CSRF), GET only, throttled
# per client address (core.clientip), 50 rows a page (?page_size= up to 200).
KAIYIHUI_PUBLIC_API_RATE = env.str("KAIYIHUI_PUBLIC_API_RATE", default="120/min")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", KAIYIHUI_PUBLIC_API_RATE):
    raise ImproperlyConfigured(
        f"KAIYIHUI_PUBLIC_API_RATE={KAIYIHUI_PUBLIC_API_RATE!r}: give requests per period "
        "per client, e.g. 120/min (periods: s, min, hour, day)."
    )
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["rankings.api.policies.PublicRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": KAIYIHUI_PUBLIC_API_RATE},
    "DEFAULT_PAGINATION_CLASS": "rankings.api.policies.PublicPagination",
    "PAGE_SIZE": 50,
    # The browsable API uses only its own static files: it works under the CSP.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("Kaiyihui public API"),
    "DESCRIPTION": _(
        "The data of the public board: organizations, rankings, the open lists, the wish "
        "wall and the activity calendar. Read-only, no login, nothing personal."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_AUTHENTICATION": [],
    # Swagger UI from the sidecar package's static files: no CDN (offline, and the CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
}

# --- Excel imports (core.xlsx_guard) --------------------------------------------------
# Every .xlsx is checked before it is parsed: a 300 KB zip can inflate to gigabytes of XML.
KAIYIHUI_IMPORT_MAX_PART_MB = env_int("KAIYIHUI_IMPORT_MAX_PART_MB", 50)
KAIYIHUI_IMPORT_MAX_UNZIPPED_MB = env_int("KAIYIHUI_IMPORT_MAX_UNZIPPED_MB", 100)
KAIYIHUI_IMPORT_MAX_RATIO = env_int("KAIYIHUI_IMPORT_MAX_RATIO", 100)
# Excel lines of a sheet, header and blank lines included.
KAIYIHUI_IMPORT_MAX_ROWS = env_int("KAIYIHUI_IMPORT_MAX_ROWS", 100_000)
KAIYIHUI_IMPORT_MAX_COLUMNS = env_int("KAIYIHUI_IMPORT_MAX_COLUMNS", 500)
# Reading stops after this long in a request (below gunicorn's 30 s worker timeout).
KAIYIHUI_IMPORT_MAX_SECONDS = env_int("KAIYIHUI_IMPORT_MAX_SECONDS", 20)
# A confirmed admin import of more rows than this runs as a background job, with this
# reading budget (within CELERY_TASK_SOFT_TIME_LIMIT).
KAIYIHUI_IMPORT_JOB_ROWS = env_int("KAIYIHUI_IMPORT_JOB_ROWS", 2000)
KAIYIHUI_IMPORT_JOB_MAX_SECONDS = env_int("KAIYIHUI_IMPORT_JOB_MAX_SECONDS", 300)
