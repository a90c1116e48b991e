"""Settings of SOP Portal, read from the environment (django-environ)."""

from datetime import time, timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it in the environment (or in .env), "
            "or set DJANGO_DEBUG=1 for development."
        )
    # Development only: never used when DEBUG is off (see above).
    SECRET_KEY = "django-insecure-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "workflow",
    "documents",
    "sop_portal",  # the demo seeder, which needs both apps
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses pages (whitenoise serves static files already compressed, before this runs); it
    # pads each response against BREACH. Anything that rewrites a page's body goes below it.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "workflow.sessions.RenewSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "sop_portal.urls"
WSGI_APPLICATION = "sop_portal.wsgi.application"

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
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
            ],
            # {% icon %}, {% progress_bar %} and the form-error summary serve every app's pages.
            "builtins": ["sop_portal.templatetags.ui", "sop_portal.templatetags.form_errors"],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if not env.str("DATABASE_URL", default=""):
    VAR_DIR.mkdir(exist_ok=True)  # a fresh clone has no var/ yet; SQLite will not make it
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Each worker keeps its database connection between requests (checked before reuse) instead of
# opening one per request, which cost more than a whole small page (the scale bench measures
# it). A `conn_max_age` in DATABASE_URL wins; 0 opens one per request as before.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_DB_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for each other instead of failing with "database is locked": a transaction
    # takes the write lock when it begins, so two people on one step queue like row locks do.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "workflow.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Front-end packages installed from the npm registry at set-up (package.json); never committed.
NODE_MODULES_DIR = BASE_DIR / "node_modules"
# Only the built files each page needs (the dist folders), never all of node_modules.
NPM_DIST_DIRS = [
    ("vendor/bootstrap", NODE_MODULES_DIR / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist"),
]
STATICFILES_DIRS += [(prefix, path) for prefix, path in NPM_DIST_DIRS if path.exists()]
STORAGES = {
    # User files live in private storage: MEDIA_URL is unset on purpose; downloads go through views.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
FILE_UPLOAD_PERMISSIONS = 0o640
# Large uploads are spooled here, not in /tmp: a worker killed mid-upload leaves its file in a
# folder of ours, which purge_orphan_files empties of files older than an hour.
FILE_UPLOAD_TEMP_DIR = Path(
    env.str("DJANGO_FILE_UPLOAD_TEMP_DIR", default=str(VAR_DIR / "tmp" / "uploads"))
)
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="sop-portal@localhost")
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(environ.Env.email_url_config(EMAIL_URL))

# Security: with DEBUG off the portal only speaks HTTPS (manage.py check --deploy passes).
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe over plain HTTP inside the network; the probe answers, nothing else.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REFERRER_POLICY = "same-origin"

# --- Sessions ----------------------------------------------------------------------------------
# A session ends after a working day without activity (not Django's two weeks). Activity renews
# it, but at most once per SESSION_RENEW_SECONDS (workflow.sessions), not with a database write
# on every request as SESSION_SAVE_EVERY_REQUEST would: the idle limit is then exact to within
# those minutes, which a working day does not notice.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_HOURS", default=9) * 3600
SESSION_RENEW_SECONDS = 15 * 60

# Content-Security-Policy (django-csp 4): scripts and styles only from our own files; an inline
# script that must stay gets the request's nonce ({{ CSP_NONCE }}). Bootstrap's CSS draws its
# checkboxes and arrows with data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
    # Failed logins and lockouts (django-axes, WARNING) and unlocks reach the console whatever
    # DJANGO_LOG_LEVEL says: they are the trace of password guessing.
    "loggers": {
        "axes": {"level": "WARNING"},
        "workflow.lockout": {"level": "WARNING"},
    },
}

# --- Login lockout (django-axes) -------------------------------------------------------------
# Failed logins are counted per user name and, separately, per address: either reaching the
# limit refuses every login of that name or from that address, the right password included,
# until the cool-off ends or the Inspektur or an administrator unlocks it (/accounts/lockouts/).
INSTALLED_APPS.append("axes")
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: it refuses a locked login before the rest
    # Django's ModelBackend, with each person's permissions kept across requests.
    "workflow.backends.CachedPermissionBackend",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "workflow.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The log names who was tried and from where (axes masks both by default); passwords never.
AXES_SENSITIVE_PARAMETERS: list[str] = []
# Behind the HTTPS proxy every request comes from the proxy's address; the client's is the one
# the proxy appended to X-Forwarded-For (workflow.lockout.client_address). Without a proxy
# (development) it is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0 if DEBUG else 1)
AXES_CLIENT_IP_CALLABLE = "workflow.lockout.client_address"

# --- The procedure's clock -------------------------------------------------------------------
# Working hours per weekday (0 = Monday); days not listed are not working days.
WORKING_HOURS = {
    0: (time(7, 30), time(16, 0)),
    1: (time(7, 30), time(16, 0)),
    2: (time(7, 30), time(16, 0)),
    3: (time(7, 30), time(16, 0)),
    4: (time(7, 30), time(16, 30)),
}
HOLIDAY_COUNTRY = "ID"
HOLIDAY_CATEGORIES = ("public", "government")

# --- Demo -------------------------------------------------------------------------------------
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="sop-demo-2026")

# --- Documents --------------------------------------------------------------------------------
ARTEFACT_MAX_BYTES = env.int("ARTEFACT_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The measurement table's formset takes up to MEASUREMENT_MAX_ROWS rows of at most 8 fields (row
# id, six values, the delete mark). The room above a full table lets a longer one reach the
# formset's own "too many rows" message instead of Django's bare 400 (TooManyFieldsSent).
MEASUREMENT_MAX_ROWS = 200
MEASUREMENT_FIELDS_PER_ROW = 8
DATA_UPLOAD_MAX_NUMBER_FIELDS = (MEASUREMENT_MAX_ROWS + 50) * MEASUREMENT_FIELDS_PER_ROW + 50
SIGNING_PKCS12_PATH = env.str(
    "SIGNING_PKCS12_PATH", default=str(VAR_DIR / "signing" / "signer.p12")
)
SIGNING_PKCS12_PASSPHRASE = env.str("SIGNING_PKCS12_PASSPHRASE", default="")
# The signing key: without DEBUG it must be encrypted with a real passphrase; in development a
# fixed one keeps even the demo key off the disk in the clear (override it in .env).
if not SIGNING_PKCS12_PASSPHRASE:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SIGNING_PKCS12_PASSPHRASE is not set. The signing key must be protected by a "
            "passphrase: set it in the environment (or in .env), or set DJANGO_DEBUG=1 for "
            "development."
        )
    SIGNING_PKCS12_PASSPHRASE = "sop-portal-development-only"  # noqa: S105
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
DOCUMENT_PLACE = env.str("DOCUMENT_PLACE", default="Tarempa")
# Rating bands of capaian (lower bound in percent, label); they differ by region.
CAPAIAN_BANDS = [
    (91, "Sangat Baik"),
    (76, "Baik"),
    (66, "Cukup"),
    (51, "Kurang"),
    (0, "Sangat Kurang"),
]
# Retention schedule (JRA) per archive classification code: active/inactive years, disposition.
ARCHIVE_RETENTION = {
    "000.7.2": {"active_years": 2, "inactive_years": 8, "disposition": "Permanen"},
    "000.7.5": {"active_years": 2, "inactive_years": 3, "disposition": "Dinilai Kembali"},
}

# --- Documents app (documents/): letterhead of the generated PDFs ------------------------------
DOCUMENT_GOVERNMENT = env.str(
    "DOCUMENT_GOVERNMENT", default="PEMERINTAH KABUPATEN KEPULAUAN ANAMBAS"
)
DOCUMENT_ADDRESS = env.str("DOCUMENT_ADDRESS", default="Tarempa, Kabupaten Kepulauan Anambas")

# --- Portal (workflow views) ------------------------------------------------------------------
# Indonesian by default whatever the browser asks; English only by the language switch.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.locale.LocaleMiddleware"),
    "workflow.middleware.ChosenLanguageOnlyMiddleware",
)

# --- Cache and sessions ----------------------------------------------------------------------
# One cache serves the verification page's rate limit (django-ratelimit) and the sessions. With
# REDIS_URL it is Redis, shared by every gunicorn worker and every app server; otherwise CACHE_URL
# (default: local memory, which counts per worker process). The login lockout (django-axes) counts
# in the database, so it holds across workers and servers whatever the cache.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Several portals (or a test run) may share one Redis: keys carry the portal's name.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="sop-portal"),
            # A Redis that stops answering fails the request in seconds instead of hanging it.
            "OPTIONS": {"socket_connect_timeout": 5, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
    if CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache":
        # The rows of the lists are kept there too (sop_portal.rendered): room for a few
        # hundred pages of rows per worker, where Django's default holds 300 entries in all.
        CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 3000)
PROCESS_LOCAL_CACHES = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    }
)
SHARED_CACHE = CACHES["default"]["BACKEND"] not in PROCESS_LOCAL_CACHES
if SHARED_CACHE:
    # Sessions are read from the cache and written to both: a flushed or restarted cache logs
    # nobody out. Never with a per-process cache: a sign-out in one worker would leave the
    # session alive in another worker's memory.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Task queue -------------------------------------------------------------------------------
# With TASK_QUEUE=procrastinate the step mails and the signing step's approval run in a worker
# (`manage.py procrastinate worker`), with the jobs in the portal's own PostgreSQL; without it
# they run inside the request, as before. The queue's tables exist on every PostgreSQL database,
# so turning it on or off needs no migration.
TASK_QUEUE = env.str("TASK_QUEUE", default="")
TASK_QUEUES = ("procrastinate",)
if TASK_QUEUE and TASK_QUEUE not in TASK_QUEUES:
    raise ImproperlyConfigured(
        f"TASK_QUEUE={TASK_QUEUE!r} is not known: leave it empty (everything runs inline) or set "
        "it to 'procrastinate' (PostgreSQL only)."
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.insert(INSTALLED_APPS.index("workflow"), "procrastinate.contrib.django")
elif TASK_QUEUE:
    raise ImproperlyConfigured(
        "TASK_QUEUE=procrastinate keeps its jobs in PostgreSQL: set DATABASE_URL to a "
        "PostgreSQL database, or leave TASK_QUEUE empty to run mail and signing inline."
    )

# --- Public verification page, audit checkpoints, PDF limits (documents/, workflow/audit) ------
# The verification page is public (its link sits in every printed QR code): requests per address
# are counted in the cache above (django-ratelimit), per worker process unless it is shared.
VERIFY_RATE_PAGE = env.str("VERIFY_RATE_PAGE", default="60/m")
VERIFY_RATE_UPLOAD = env.str("VERIFY_RATE_UPLOAD", default="10/m")
VERIFY_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
# Signed checkpoints of the chain heads, written by `checkpoint_audit`: keep this folder on other
# storage than the database (it is what shows a rewrite of the history before a checkpoint).
AUDIT_CHECKPOINT_DIR = Path(env.str("AUDIT_CHECKPOINT_DIR", default=str(VAR_DIR / "checkpoints")))
# Generated PDFs: a page count and a time that no document of the SOP comes near.
PDF_MAX_PAGES = env.int("PDF_MAX_PAGES", default=200)
PDF_MAX_SECONDS = env.int("PDF_MAX_SECONDS", default=60)
PDF_MAX_MEMORY_BYTES = env.int("PDF_MAX_MEMORY_BYTES", default=2 * 1024 * 1024 * 1024)
