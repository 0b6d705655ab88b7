"""Sessions end after inactivity (8 hours by default, configurable) and the user can see and
end their other sessions."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD
from tests.helpers import soup_of

pytestmark = pytest.mark.django_db
BASE_DIR = Path(__file__).resolve().parents[2]




def browser_logged_in(user, agent):
    browser = Client(HTTP_USER_AGENT=agent)
    response = browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_idle_timeout_defaults_to_eight_hours_renewed_once_a_minute():
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.PORTAL_SESSION_REFRESH_SECONDS == 60
    assert settings.PORTAL_SESSION_ABSOLUTE_SECONDS == 7 * 24 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is False


def session_writes(browser, path="/"):
    """The SQL writes to the session and user-session tables made by one page view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert browser.get(path).status_code == 200
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith(("UPDATE", "INSERT"))
        and ("django_session" in q["sql"] or "usersessions_usersession" in q["sql"])
    ]


def test_page_views_write_the_session_at_most_once_a_minute(officer_be):
    from django.contrib.sessions.models import Session

    with time_machine.travel(timezone.now(), tick=False) as traveller:
        browser = browser_logged_in(officer_be, "Firefox")
        browser.get("/")
        key = browser.cookies[settings.SESSION_COOKIE_NAME].value
        first_expiry = Session.objects.get(session_key=key).expire_date
        traveller.shift(timedelta(seconds=20))
        assert session_writes(browser) == []
        traveller.shift(timedelta(seconds=45))  # over a minute since the last refresh
        assert len(session_writes(browser)) == 2  # the session's expiry and its "last seen"
        assert Session.objects.get(session_key=key).expire_date > first_expiry
        assert UserSession.objects.get(session_key=key).last_seen_at == timezone.now()


def test_a_session_ends_after_seven_days_however_active(officer_be):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        browser = browser_logged_in(officer_be, "Firefox")
        assert browser.get("/").status_code == 200
        for _ in range(21):  # active every 7 hours 50 minutes, for almost 7 days
            traveller.shift(timedelta(hours=7, minutes=50))
            assert browser.get("/").status_code == 200
        traveller.shift(timedelta(hours=7, minutes=50))  # 7 days and 4 hours after signing in
        response = browser.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert browser.get("/").status_code == 302  # signed out for good


def test_the_maximum_age_is_configurable():
    assert settings_value("PORTAL_SESSION_ABSOLUTE_SECONDS") == str(7 * 24 * 60 * 60)
    assert (
        settings_value("PORTAL_SESSION_ABSOLUTE_SECONDS", DJANGO_SESSION_ABSOLUTE_SECONDS="3600")
        == "3600"
    )


def settings_value(name, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    code = f"import portal.settings.base as s; print(s.{name})"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_idle_timeout_is_configurable():
    assert settings_value("SESSION_COOKIE_AGE") == str(8 * 60 * 60)
    assert settings_value("SESSION_COOKIE_AGE", DJANGO_SESSION_IDLE_SECONDS="900") == "900"


def test_activity_keeps_the_session_alive_and_inactivity_ends_it(officer_be):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        browser = browser_logged_in(officer_be, "Firefox")
        # Active every few hours: still logged in well past 8 hours after login.
        for _ in range(4):
            traveller.shift(timedelta(hours=7, minutes=50))
            assert browser.get("/").status_code == 200
        # Then idle for just over the limit: logged out.
        traveller.shift(timedelta(hours=8, minutes=1))
        response = browser.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_session_lifetime_is_server_side_and_cookie_ends_with_the_browser(client, officer_be):
    response = client.post("/accounts/login/", {"login": officer_be.email, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    # ACCOUNT_SESSION_REMEMBER is off: the cookie lives until the browser closes...
    assert cookie["max-age"] == ""
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # ...and the server forgets the session after the idle period, whatever the browser does.
    from django.contrib.sessions.models import Session

    stored = Session.objects.get(session_key=cookie.value)
    remaining = (stored.expire_date - timezone.now()).total_seconds()
    assert 8 * 60 * 60 - 60 < remaining <= 8 * 60 * 60


def test_user_sees_their_sessions_and_ends_the_others(officer_be, head_be):
    laptop = browser_logged_in(officer_be, "Laptop browser")
    phone = browser_logged_in(officer_be, "Phone browser")
    colleague = browser_logged_in(head_be, "Colleague browser")
    assert phone.get("/").status_code == 200

    page = soup_of(laptop.get("/accounts/sessions/"))
    rows = [row.get_text(" ", strip=True) for row in page.select("main tbody tr")]
    assert len(rows) == 2
    assert any("Laptop browser" in row and "Current" in row for row in rows)
    assert any("Phone browser" in row and "Current" not in row for row in rows)
    assert not any("Colleague" in row for row in rows)
    button = page.select_one("main form button[type=submit]")
    assert "Sign Out Other Sessions" in button.get_text()

    response = laptop.post("/accounts/sessions/")
    assert response.status_code == 302

    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
    assert UserSession.objects.filter(user=officer_be).count() == 1


def test_logout_ends_the_session_and_it_leaves_the_list(officer_be):
    laptop = browser_logged_in(officer_be, "Laptop browser")
    phone = browser_logged_in(officer_be, "Phone browser")
    phone.get("/")
    response = phone.post("/accounts/logout/")
    assert response.status_code == 302
    assert phone.get("/").status_code == 302
    page = soup_of(laptop.get("/accounts/sessions/"))
    rows = [row.get_text(" ", strip=True) for row in page.select("main tbody tr")]
    assert len(rows) == 1
    assert "Laptop browser" in rows[0]
