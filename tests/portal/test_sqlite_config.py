"""The embedded SQLite default is configured for a web server: WAL journal, IMMEDIATE
transactions (no lock-upgrade deadlocks between writers) and a busy timeout."""

from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper


def test_sqlite_file_database_uses_wal_immediate_and_busy_timeout(tmp_path, django_db_blocker):
    connection = DatabaseWrapper(
        {
            **settings.DATABASES["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "portal.sqlite3"),
            "OPTIONS": settings.SQLITE_OPTIONS,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
        },
        alias="wal-check",
    )
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000
        assert connection.transaction_mode == "IMMEDIATE"
    finally:
        connection.close()
