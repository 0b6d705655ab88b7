"""Settings for the search benchmark: modelsearch, its database backend's tables and the bench
app only, an SQLite file in a temporary directory, the Whoosh index next to it."""

import os
import tempfile

WORK_DIR = os.environ.get("BENCH_SEARCH_DIR") or tempfile.mkdtemp(prefix="bench-search-")

SECRET_KEY = "bench-only-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "bench.search.apps.BenchSearchConfig",
    "modelsearch",
    "django.contrib.contenttypes",
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(WORK_DIR, "bench.sqlite3"),
    }
}
TEMPLATES = []
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
MODELSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "portal.search.backends.whoosh",
        "PATH": os.path.join(WORK_DIR, "whoosh"),
        "LOCK_TIMEOUT": 10,
        "TIME_LIMIT": 5,
        # processes writing a rebuild (BENCH_REBUILD_PROCS=1: the single-process writer)
        "REBUILD_PROCS": int(os.environ.get("BENCH_REBUILD_PROCS") or os.cpu_count() or 1),
    },
    "database": {
        "BACKEND": "modelsearch.backends.database.sqlite.sqlite",
        "AUTO_UPDATE": False,
    },
}
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": [], "level": "ERROR"}}
