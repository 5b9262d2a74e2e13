"""Settings read from the environment: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS.

With nothing set, ``manage.py`` commands (``make run``) and the tests run on a SQLite file
under ``var/`` with DEBUG on; any other process (gunicorn, uwsgi, daphne, uvicorn...) runs with
DEBUG off and refuses to start without SECRET_KEY.
"""

import os
import sys
import warnings
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ERD_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_process() -> bool:
    """Started through manage.py / django-admin, or running the tests: DEBUG may default on.
    A production server (gunicorn designer.wsgi and friends) is anything else."""
    first = sys.argv[0] if sys.argv else ""
    return (
        Path(first).name in {"manage.py", "django-admin"}
        or first.endswith(os.path.join("django", "__main__.py"))
        or "pytest" in sys.modules
    )


DEBUG = _env_bool("DEBUG", _development_process())
SECRET_KEY = os.environ.get("SECRET_KEY") or ("dev-insecure-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "projects",
    "designer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "designer.security.csp.ContentSecurityPolicyMiddleware",  # issue 18: CSP on every response
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "designer.middleware.HtmxLoginRequiredMiddleware",
    # a browser POST carrying an Idempotency-Key (static/js/once.js) is applied once
    "designer.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "designer.urls"
WSGI_APPLICATION = "designer.wsgi.application"

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
            ],
        },
    }
]

# No persistent connections: under ASGI (make run-prod) each request runs on a thread of its
# own, and a connection kept per thread outlived its request ("too many clients" under load);
# Django's docs say as much for ASGI. On PostgreSQL a pool per process (psycopg_pool) lends
# each request an open connection instead: opening one per request cost PostgreSQL a backend
# fork and cold catalog caches, about 30 ms of each small request under the load benchmark.
# The pool holds as many connections as the process runs requests at once
# (ERD_WEB_CONCURRENCY, designer/asgi.py) and one for a background job's thread.
WEB_CONCURRENCY = max(1, int(os.environ.get("ERD_WEB_CONCURRENCY", "8")))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'erd.sqlite3'}", conn_max_age=0
    )
}
if (
    DATABASES["default"]["ENGINE"].endswith("postgresql")
    and os.environ.get("ERD_DB_POOL", "on") != "off"
):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("ERD_DB_POOL_SIZE", WEB_CONCURRENCY + 1)),
        # a request that waits longer for a connection fails (503) rather than hangs
        "timeout": 20,
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The test database is a file, not Django's shared-cache in-memory default: there a second
    # connection (a background job's thread, the live server of browser tests) meets a locked
    # table at once instead of waiting its turn. One file per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "project_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Rendered diagrams are cached by a hash of their DOT source. With REDIS_URL the cache (and the
# render locks, designer/locks.py, and collaboration's pub/sub, designer/events.py) is Redis,
# shared by every process on every host; without it, a file cache shared by the processes of
# one host.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHE_SECONDS = 60 * 60 * 24 * 7
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "TIMEOUT": CACHE_SECONDS,
            "KEY_PREFIX": "erd",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "TIMEOUT": CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# Work slower than a request (designer/jobs.py): Celery when a broker is configured
# (ERD_TASK_BROKER, else REDIS_URL), else a thread of the web process; ERD_JOBS_EAGER runs
# jobs at once, in the caller (the tests).
ERD_TASK_BROKER = os.environ.get("ERD_TASK_BROKER", "").strip() or REDIS_URL
# A design read or patched by one app process is put in the shared cache for the others
# (designer.selectors.design): on with Redis; a file cache would only add writes.
ERD_SHARE_DESIGNS = os.environ.get("ERD_SHARE_DESIGNS", "on" if REDIS_URL else "off") == "on"
ERD_JOBS_EAGER = _env_bool("ERD_JOBS_EAGER", False)
# A job past this many seconds is stopped (Celery: soft limit, then the hard limit 30 s later).
ERD_JOB_TIME_LIMIT_SECONDS = int(os.environ.get("ERD_JOB_TIME_LIMIT_SECONDS", 600))
# Imports of scripts bigger than this are applied by a job, not inside the request.
ERD_IMPORT_INLINE_BYTES = int(os.environ.get("ERD_IMPORT_INLINE_BYTES", 256 * 1024))

# Limits on user input and on Graphviz.
ERD_MAX_UPLOAD_BYTES = int(os.environ.get("ERD_MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = ERD_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "designer.security.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Size limits: a design, an import and a drawing bigger than these are refused with a clear
# message before any expensive work starts. PostgreSQL itself allows 1,600 columns a table.
ERD_MAX_TABLES = int(os.environ.get("ERD_MAX_TABLES", 5_000))
ERD_MAX_COLUMNS = int(os.environ.get("ERD_MAX_COLUMNS", 100_000))
ERD_MAX_STATEMENTS = int(os.environ.get("ERD_MAX_STATEMENTS", 100_000))
# Tests: every table edit's patched design (selectors.design.remember_table_edit) is compared
# with a fresh read, and a difference raises.
ERD_CHECK_DESIGN_PATCH = os.environ.get("ERD_CHECK_DESIGN_PATCH") == "1"
ERD_MAX_DIAGRAM_ROWS = int(os.environ.get("ERD_MAX_DIAGRAM_ROWS", 60_000))
ERD_DOT_TIMEOUT_SECONDS = float(os.environ.get("ERD_DOT_TIMEOUT_SECONDS", 60))
# Hosts a user's DSN may reach (import from / compare with a live database): comma-separated
# host names, IPs or networks, each with an optional :port (designer/sql/live_dsn.py). DENY
# unset: loopback, "this host" and link-local; "*" denies all that ALLOW does not name.
ERD_LIVE_DSN_ALLOW = [
    h.strip() for h in os.environ.get("ERD_LIVE_DSN_ALLOW", "").split(",") if h.strip()
]
ERD_LIVE_DSN_DENY = (
    [h.strip() for h in os.environ["ERD_LIVE_DSN_DENY"].split(",") if h.strip()]
    if "ERD_LIVE_DSN_DENY" in os.environ
    else None
)
# Sign-in rate limits (designer/security/login.py), counted in the cache.
ERD_LOGIN_FAILURES_PER_USER = int(os.environ.get("ERD_LOGIN_FAILURES_PER_USER", 10))
ERD_LOGIN_FAILURES_PER_IP = int(os.environ.get("ERD_LOGIN_FAILURES_PER_IP", 50))
ERD_LOGIN_WINDOW_SECONDS = int(os.environ.get("ERD_LOGIN_WINDOW_SECONDS", 15 * 60))
# Behind a proxy: the request header holding the client address, e.g. HTTP_X_FORWARDED_FOR.
ERD_CLIENT_IP_HEADER = os.environ.get("ERD_CLIENT_IP_HEADER", "")
# Calls to the JSON API per token (or per signed-in user) per window (designer/api/auth.py).
ERD_API_RATE_LIMIT = int(os.environ.get("ERD_API_RATE_LIMIT", 600))
ERD_API_RATE_WINDOW_SECONDS = int(os.environ.get("ERD_API_RATE_WINDOW_SECONDS", 60))
# Webhooks (projects/webhooks.py): tries per delivery, the timeout of one try, the first pause
# between tries (it doubles), and hosts allowed even when they resolve to private addresses.
ERD_WEBHOOK_ATTEMPTS = int(os.environ.get("ERD_WEBHOOK_ATTEMPTS", 3))
ERD_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("ERD_WEBHOOK_TIMEOUT_SECONDS", 5))
ERD_WEBHOOK_RETRY_PAUSE_SECONDS = float(os.environ.get("ERD_WEBHOOK_RETRY_PAUSE_SECONDS", 2))
ERD_WEBHOOK_ALLOW = [
    h.strip() for h in os.environ.get("ERD_WEBHOOK_ALLOW", "").split(",") if h.strip()
]
# The deadline of one rehearsal (every psql run in the sandbox together).
ERD_SANDBOX_TIMEOUT_SECONDS = float(os.environ.get("ERD_SANDBOX_TIMEOUT_SECONDS", 120))

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    WHITENOISE_USE_FINDERS = False

# Under ASGI, whitenoise's static files are sent by Django's sync-to-async adapter; fine.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

# Structured logs: one JSON object a line on stderr (ERD_LOG_FORMAT=text for plain lines).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "designer.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("ERD_LOG_FORMAT", "json"),
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Celery (designer/worker.py), used when ERD_TASK_BROKER or REDIS_URL names a broker.
CELERY_BROKER_URL = ERD_TASK_BROKER or "memory://"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # an unacknowledged job (its worker was killed) is delivered again after this long
    "visibility_timeout": ERD_JOB_TIME_LIMIT_SECONDS + 60,
    "socket_connect_timeout": 2,
    "max_retries": 1,
}
# one queue name per deployment (ERD_TASK_QUEUE) when several share a Redis
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("ERD_TASK_QUEUE", "erd")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True  # results live in the Job row
CELERY_TASK_SOFT_TIME_LIMIT = ERD_JOB_TIME_LIMIT_SECONDS
CELERY_TASK_TIME_LIMIT = ERD_JOB_TIME_LIMIT_SECONDS + 30
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_SEND_TASK_EVENTS = False
