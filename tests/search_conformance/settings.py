"""Settings for modelsearch's shared backend tests against the portal's Whoosh backend.

Only modelsearch, its test app (from the sdist unpacked by fetch_suite.py, first on sys.path)
and what that app needs are installed; none of the portal's apps. CONFORMANCE_BACKEND=database
runs the same suite against modelsearch's own SQLite database backend instead, for comparison.
"""

import os
import tempfile

SECRET_KEY = "conformance-only-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["localhost", "testserver"]
USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-gb"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

INSTALLED_APPS = [
    "modelsearch.test.testapp",
    "modelsearch",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ROOT_URLCONF = "modelsearch.test.urls"
TEMPLATES = []

WHOOSH_BACKEND = "portal.search.backends.whoosh"
DATABASE_BACKEND = "modelsearch.backends.database.sqlite.sqlite"

if os.environ.get("CONFORMANCE_BACKEND", "whoosh") == "database":
    MODELSEARCH_BACKENDS = {"default": {"BACKEND": DATABASE_BACKEND}}
else:
    MODELSEARCH_BACKENDS = {
        "default": {
            "BACKEND": WHOOSH_BACKEND,
            "PATH": tempfile.mkdtemp(prefix="portal-conformance-index-"),
        }
    }
