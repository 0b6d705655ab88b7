import os
import tempfile

from .base import *  # noqa: F403
from .base import env, env_list

DEBUG = False
SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run at once in tests so their effects can be asserted; the worker path is covered
# by running the database backend explicitly where it matters.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
if not env("DATABASE_URL"):
    DATABASES["default"]["NAME"] = ":memory:"  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
# Each test process gets its own, empty search index directory.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        **WAGTAILSEARCH_BACKENDS["default"],  # noqa: F405
        "PATH": tempfile.mkdtemp(prefix="portal-test-search-index-"),
    }
}
if env("TEST_OPENSEARCH_URLS"):
    # The site-search tests against a live OpenSearch (tests/search/test_opensearch.py), with
    # indexes of this process's own, as production names them (portal.settings.production).
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.opensearch2",
            "URLS": env_list("TEST_OPENSEARCH_URLS"),
            "INDEX_PREFIX": f"spoc_portal_test_{os.getpid()}_",
            "ATOMIC_REBUILD": True,
        }
    }
# Searches are written to the query log at once (by the immediate task backend) in tests.
PORTAL_SEARCH_LOG_FLUSH_SECONDS = 0
