"""Settings, all read from the environment through one django-environ ``env``.

Every default is the embedded one: SQLite and a Celery broker on the local disk under
``STUDYTREE_DATA_DIR`` (``var/`` in the project), so ``make run`` needs no configuration.
Production sets ``DATABASE_URL``, ``CELERY_BROKER_URL``, ``DJANGO_SECRET_KEY`` and friends.
"""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DATA_DIR = Path(env.str("STUDYTREE_DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str(
    "DJANGO_SECRET_KEY", default="insecure-dev-key-only-for-the-embedded-default-change-me"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "config.apps.StudytreeConfig",
    "learning",
    "content",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.api_conventions.ApiErrorsAsJson",
    "config.csp.ContentSecurityPolicyMiddleware",
    "config.hostile_input.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.api_conventions.ApiCommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web process and a worker write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a test's Celery worker process shares the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-db.sqlite3")}
# Persistent connections on both engines: opening one (and SQLite's PRAGMAs) cost more
# than a cached tree request itself (benchmarks/RESULTS.md, "load").
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DB_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, whose health check needs no round trip (config/postgresql).
    DATABASES["default"]["ENGINE"] = "config.postgresql"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://studytree")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, with one Redis client per server rather than per call.
    CACHES["default"]["BACKEND"] = "config.redis_cache.RedisCache"
#: Each web process also keeps the path trees it served last, up to this many bytes.
TREE_MEMORY_BYTES = env.int("TREE_MEMORY_BYTES", default=32 * 1024 * 1024)
#: Each web process also remembers the API tokens it saw for this many seconds (0: not at
#: all) before asking the cache again; a token deleted elsewhere is refused that late here.
TOKEN_MEMORY_SECONDS = env.float("TOKEN_MEMORY_SECONDS", default=5)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/me/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Serve app static files (the API docs' assets, the pages' CSS) straight from the apps.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)

# --- REST API -------------------------------------------------------------------------
#: The largest JSON body the API reads (a 20,000-item bundle import fits): 413 beyond.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=16 * 1024 * 1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.api_conventions.TokenOrBearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON only: forms belong to the web pages.
    "DEFAULT_PARSER_CLASSES": ["config.hostile_input.NulFreeJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.api_conventions.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.error_handler.api_exception_handler",
    # Per user (per address when anonymous); a 429 says when to retry (Retry-After).
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("AUTH_THROTTLE_RATE", default="30/min"),
        "sync": env.str("SYNC_THROTTLE_RATE", default="120/min"),
        "import": env.str("IMPORT_THROTTLE_RATE", default="60/min"),
        "grading": env.str("GRADING_THROTTLE_RATE", default="300/min"),
        "generate": env.str("GENERATE_THROTTLE_RATE", default="120/hour"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Studytree API",
    "DESCRIPTION": "Learning paths you can make your own. See README.md, 'The API'.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api_conventions.error_responses_hook",
        "learning.api.links.links_hook",
    ],
    # Several serializers have a field called `kind`; name each enum once.
    "ENUM_NAME_OVERRIDES": {
        "QuestionKindEnum": "learning.models.QuestionKind",
        "ResourceKindEnum": "learning.models.ResourceKind",
        "VisibilityEnum": "learning.models.Visibility",
        "ItemKindEnum": ["section", "flashcard", "quiz", "question", "podcast", "resource"],
        "AttemptStatusEnum": ["in_progress", "grading", "graded"],
        "CardStateEnum": ["new", "learning", "review", "relearning"],
        "JobStateEnum": ["queued", "running", "succeeded", "failed"],
        "VerificationStatusEnum": ["verified", "failed", "uncheckable"],
        "VerificationItemKindEnum": ["section", "flashcard", "question", "choice"],
        "JobStepStateEnum": ["pending", "running", "succeeded", "failed"],
        "ContentKindEnum": "learning.api.serializers.CONTENT_KINDS",
    },
}

# --- Celery ---------------------------------------------------------------------------
BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_RESULT_BACKEND = env.str(
    "CELERY_RESULT_BACKEND",
    default=f"file://{DATA_DIR / 'results'}"
    if CELERY_BROKER_URL.startswith("filesystem")
    else CELERY_BROKER_URL,
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_ALWAYS_EAGER = False
#: Content generation runs on its own queue, apart from grading; every worker we start
#: consumes it with ``-Q celery,content`` (Makefile, platform/entrypoint.sh, tests/conftest.py).
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest task (the hard time limit), so Redis never redelivers a
    # task that is still running.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
if CELERY_RESULT_BACKEND.startswith("file://"):
    Path(CELERY_RESULT_BACKEND.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
if CELERY_BROKER_URL.startswith("filesystem"):
    # kombu's transport with messages written atomically (see config/filesystem_broker.py).
    CELERY_BROKER_TRANSPORT = "config.filesystem_broker:Transport"
    for _folder in ("in", "processed"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(BROKER_DIR / "in"),
        "data_folder_out": str(BROKER_DIR / "in"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        "control_folder": str(BROKER_DIR / "control"),
        "polling_interval": env.float("CELERY_POLLING_INTERVAL", default=0.005),
    }
    (BROKER_DIR / "control").mkdir(parents=True, exist_ok=True)
# Grading has its own queue, so a long content job never delays a learner's grade; every
# worker we start consumes both (`-Q celery,grading`).
GRADING_QUEUE = env.str("GRADING_QUEUE", default="grading")
# Each kind of work on its own queue: a long content job never delays a learner's grade.
CELERY_TASK_ROUTES = {
    "content.*": {"queue": "content"},
    "learning.grade_attempt": {"queue": GRADING_QUEUE},
    "learning.check_answer": {"queue": GRADING_QUEUE},
    "learning.requeue_stale_attempts": {"queue": GRADING_QUEUE},
}
# Attempts left `grading` this long since they were enqueued are enqueued again (a message
# lost with a killed worker on the filesystem broker, which does not redeliver).
GRADING_STALE_SECONDS = env.int("GRADING_STALE_SECONDS", default=60)
#: How long POST questions/{id}/check/ waits for the worker's verdict before answering 202.
GRADING_CHECK_WAIT = env.float("GRADING_CHECK_WAIT", default=3.0)
#: Fault injection for tests only: seconds a grading task sleeps before its work.
GRADING_FAULT_DELAY = env.float("GRADING_FAULT_DELAY", default=0)
# Celery's Django fix-up closes the database connection around every task unless this is
# set, which costs a PostgreSQL connection per grade (about 20 ms); config/celery_app.py
# applies Django's own rule instead (CONN_MAX_AGE, health checks) before and after a task.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1_000_000)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=512_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Celery beat ----------------------------------------------------------------------
# Every minute, attempts left `grading` (no worker, or the embedded broker lost a task)
# are queued again. Weekly, each learner with enough reviews gets their FSRS parameters
# re-fitted (adopted only when they predict the learner's recent reviews better).
CELERY_BEAT_SCHEDULE = {
    "requeue-stale-attempts": {"task": "learning.requeue_stale_attempts", "schedule": 60.0},
    "optimize-review-parameters-weekly": {
        "task": "learning.optimize_all_review_parameters",
        "schedule": crontab(minute=0, hour=3, day_of_week="sunday"),
    },
}
