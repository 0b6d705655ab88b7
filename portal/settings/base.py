"""Settings shared by every environment. Secrets and site-specific values come from
DJANGO_-prefixed environment variables (see docs/deploy.md)."""

import os
from pathlib import Path

import dj_database_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env(name, default=None):
    return os.environ.get(f"DJANGO_{name}", default)


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    "portal",
    "search",
    "meetings",
    "knowledge",
    "training",
    "cases",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.sites",
    "portal.apps.PortalUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v3",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.sites.CachedSiteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portal.middleware.NoStoreForUsersMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.sessions.SessionLifetimeMiddleware",  # also records allauth's session activity
    "portal.middleware.MFARequiredMiddleware",
    "portal.ratelimits.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.PortalCSPMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
AUTH_USER_MODEL = "portal.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# SQLite is the embedded default, tuned for a web server: WAL lets readers run beside the
# single writer, IMMEDIATE transactions avoid upgrade deadlocks, the timeout absorbs bursts.
SQLITE_PATH = Path(env("SQLITE_PATH", BASE_DIR / "db.sqlite3"))
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        " PRAGMA busy_timeout=20000;"
    ),
}
# Connections are kept between requests (opening one, with SQLite's pragmas or PostgreSQL's
# sign-in, cost about a quarter of a small request) and checked before reuse.
CONN_MAX_AGE = int(env("CONN_MAX_AGE", 600))
if env("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            env("DATABASE_URL"), conn_max_age=CONN_MAX_AGE, conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": SQLITE_OPTIONS,
            "CONN_MAX_AGE": CONN_MAX_AGE,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds allauth's rate limits and TOTP replay guards, so every server process must
# share it: a file cache on one machine by default, Redis when DJANGO_REDIS_URL is set.
if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_URL"),
        }
    }
    # Sessions read from Redis and written through to the database: no session query on a
    # request, and nobody is signed out when Redis restarts.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTHENTICATION_BACKENDS = [
    # allauth's, loading the request's user in fewer queries (portal/auth_backends.py)
    "portal.auth_backends.PortalAuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATIC_ROOT = Path(env("STATIC_ROOT", BASE_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Sessions: expire after inactivity and after a maximum age -----------------------------
# The idle timer restarts at most once a minute (portal.sessions), not with a write per request.
SESSION_COOKIE_AGE = int(env("SESSION_IDLE_SECONDS", 8 * 60 * 60))
SESSION_SAVE_EVERY_REQUEST = False
PORTAL_SESSION_REFRESH_SECONDS = int(env("SESSION_REFRESH_SECONDS", 60))
PORTAL_SESSION_ABSOLUTE_SECONDS = int(env("SESSION_ABSOLUTE_SECONDS", 7 * 24 * 60 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- allauth: login by email, no open sign-up (see portal.adapters) ------------------------
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "portal.adapters.PortalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "portal.forms.InvitationSignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SPOC Network] "
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_email": "1/m/user",
}
MFA_ADAPTER = "portal.adapters.PortalMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "SPOC Network Portal"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False
# Sessions list shows last seen and IP; portal.sessions records them once a minute (it takes
# the place of allauth's UserSessionsMiddleware, which writes on every request).
USERSESSIONS_TRACK_ACTIVITY = True
# The portal sends enrolled users without MFA to the setup pages when this is on.
PORTAL_MFA_REQUIRED = env_bool("MFA_REQUIRED", False)
# Key for TOTP secrets and recovery seeds at rest; derived from SECRET_KEY when unset.
PORTAL_MFA_ENCRYPTION_KEY = env("MFA_ENCRYPTION_KEY")

# Per-user request limits (portal.ratelimits): "<count>/<s|m|h>" per bucket, "" for none.
PORTAL_RATE_LIMITS = {
    "search": env("RATE_LIMIT_SEARCH", "60/m"),
    "autocomplete": env("RATE_LIMIT_AUTOCOMPLETE", "240/m"),
    "api": env("RATE_LIMIT_API", "600/m"),
    "export": env("RATE_LIMIT_EXPORT", "20/m"),
}

# Text extraction from uploaded PDF/DOCX runs in a child process under these limits.
PORTAL_EXTRACTION_TIMEOUT_SECONDS = float(env("EXTRACTION_TIMEOUT_SECONDS", 60))
PORTAL_EXTRACTION_MEMORY_MB = int(env("EXTRACTION_MEMORY_MB", 768))
PORTAL_INVITATION_DAYS = int(env("INVITATION_DAYS", 7))
# API tokens stop working this many days after creation (shortening it ends older tokens at
# once); their last use is recorded at most once per WAGTAILAPI_TOKEN_LAST_USED_INTERVAL.
PORTAL_API_TOKEN_DAYS = int(env("API_TOKEN_DAYS", 90))
WAGTAILAPI_TOKEN_LAST_USED_INTERVAL = 60

# --- Training (docs/training.md) ----------------------------------------------------------
# The form a course's CEPOL activity code must have (a regular expression; CEPOL numbers its
# activities like 12/2027), and the default number of days before a session at which unfilled
# per-country quota seats go back to the general pool.
TRAINING_CEPOL_CODE_PATTERN = env("TRAINING_CEPOL_CODE_PATTERN", r"^\d{1,3}/\d{4}$")
TRAINING_QUOTA_RELEASE_DAYS = int(env("TRAINING_QUOTA_RELEASE_DAYS", 21))

# Administrators read every country's cases only when this is on (cases.permissions).
CASES_ADMIN_ACCESS = env_bool("CASES_ADMIN_ACCESS", False)

# --- Wagtail ----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "SPOC Network Portal"
WAGTAILADMIN_BASE_URL = env("BASE_URL", "http://127.0.0.1:8000")
# Wagtail redirects here; portal.urls forwards to allauth (or, for users already logged in
# without admin access, to the dashboard).
WAGTAILADMIN_LOGIN_URL = "/admin/login/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILUSERS_PASSWORD_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "odt", "xlsx", "ods", "pptx", "txt", "csv"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "knowledge.forms.CheckedDocumentForm"  # .pdf/.docx content check
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_WORKFLOW_ENABLED = True
# The portal's Whoosh backend (portal/search/, docs/search.md); production can switch to
# OpenSearch with SEARCH_BACKEND=opensearch (portal/settings/production.py).
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "portal.search.backends.whoosh",
        "PATH": env("SEARCH_INDEX_PATH", str(BASE_DIR / "var" / "search-index")),
        "LOCK_TIMEOUT": 10,
        "TIME_LIMIT": 5,
    },
}
# One budget for a whole site search or autocomplete request (every source's results, counts,
# facets and the "did you mean"): past it, what was found so far is shown, marked incomplete.
PORTAL_SEARCH_TIME_BUDGET_SECONDS = float(env("SEARCH_TIME_BUDGET_SECONDS", "5"))
# The query log (popular queries, searches that found nothing) is counted in memory and written
# by a task at most this often per process: no database write on a search request.
PORTAL_SEARCH_LOG_FLUSH_SECONDS = float(env("SEARCH_LOG_FLUSH_SECONDS", "30"))

# --- Background work -----------------------------------------------------------------------
TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# --- Email --------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "SPOC Network Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers ------------------------------------------------------------------------
# The portal's own pages allow no inline script; the Wagtail admin gets the looser policy in
# PORTAL_ADMIN_CSP (its editors rely on inline styles and script).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
PORTAL_ADMIN_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Number of reverse proxies in front of the app whose X-Forwarded-For entries are trusted
# (allauth's rate limits key on the client address).
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("TRUSTED_PROXY_COUNT", 0))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Wagtail logs every page action at INFO; the audit trail is in its log entries anyway.
    "loggers": {"wagtail": {"level": "WARNING"}},
}
