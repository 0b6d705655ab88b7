"""Security headers on every kind of page, rate limits, and bad input that never ends in 500."""

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings

from tests.factories import user_in
from tests.helpers import soup_of

pytestmark = pytest.mark.django_db

PORTAL_PAGES = [
    "/",
    "/updates/",
    "/people/",
    "/people/invite/",
    "/account/preferences/",
    "/accounts/email/",
    "/accounts/2fa/",
    "/accounts/sessions/",
    "/accounts/password/change/",
]



@pytest.fixture
def head_client(client, head_be):
    client.force_login(head_be)
    return client


def csp_of(response):
    header = response.get("Content-Security-Policy")
    assert header, f"no CSP on {response.wsgi_request.path}"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives



# --- Caching -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [*PORTAL_PAGES, "/admin/"])
def test_logged_in_pages_are_not_stored(head_client, path):
    head_client.force_login(user_in("BE", "head", "editor"))
    response = head_client.get(path)
    assert response.status_code == 200, path
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "no-store" in cache_control
    assert "private" in cache_control


def test_redirects_and_errors_for_users_are_not_stored_either(head_client):
    for path in ("/people/999999/", "/people/invitations/1/revoke/"):
        response = head_client.get(path)
        assert "no-store" in response["Cache-Control"], path


def test_login_page_is_not_cached(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


# --- Content-Security-Policy and framing -----------------------------------------------------


@pytest.mark.parametrize("path", PORTAL_PAGES)
def test_portal_pages_allow_no_inline_script(head_client, path):
    response = head_client.get(path)
    csp = csp_of(response)
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    # The page itself needs none: every executable script is an external file.
    for script in soup_of(response).select("script"):
        assert script.get("src") or script.get("type") == "application/json", (path, script)
    for element in soup_of(response).find_all(True):
        assert not [a for a in element.attrs if a.startswith("on")], (path, element.name)


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/password/reset/", "/accounts/signup/"]
)
def test_anonymous_pages_carry_the_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = csp_of(response)
    assert "'unsafe-inline'" not in csp["script-src"]
    assert response["X-Frame-Options"] == "DENY"


def test_mfa_pages_with_scripts_work_under_the_strict_policy(client, officer_be):
    from tests.portal.auth_steps import login, reauthenticate

    login(client, officer_be.email)
    reauthenticate(client)
    response = client.get("/accounts/2fa/webauthn/add/")
    csp = csp_of(response)
    assert csp["script-src"] == ["'self'"]
    for script in soup_of(response).select("script"):
        src = script.get("src")
        assert (src and src.startswith(settings.STATIC_URL)) or script.get(
            "type"
        ) == "application/json"


def test_admin_gets_its_own_looser_policy(client):
    client.force_login(user_in("BE", "editor"))
    response = client.get("/admin/")
    assert response.status_code == 200
    csp = csp_of(response)
    assert "'unsafe-inline'" in csp["script-src"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    portal = csp_of(client.get("/"))
    assert "'unsafe-inline'" not in portal["script-src"]


# --- Rate limits ---------------------------------------------------------------------------


def test_allauth_rate_limits_are_on():
    limits = settings.ACCOUNT_RATE_LIMITS
    assert limits is not False
    for action in ("login", "login_failed", "reset_password", "reset_password_from_key"):
        assert limits.get(action), action


def test_password_reset_requests_are_rate_limited(client, officer_be, mailoutbox):
    statuses = [
        client.post("/accounts/password/reset/", {"email": officer_be.email}).status_code
        for _ in range(8)
    ]
    assert statuses == [302] * 5 + [429] * 3
    assert len(mailoutbox) == 5


# --- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/people/abc/", {}),
        ("get", "/people/?page=notanumber", {}),
        ("get", "/people/?page=99999", {}),
        ("post", "/people/invite/", {"roles": "x" * 10000}),
        ("post", "/people/invite/", {"email": "a@b.c", "organisation": "-1", "roles": []}),
        ("post", "/people/1/", {"roles": ["", None]}),
        ("post", "/people/1/active/", {"active": ["0", "1"]}),
        ("post", "/people/invitations/999999/revoke/", {}),
        ("post", "/people/invitations/abc/revoke/", {}),
        ("post", "/account/preferences/", {"notify_updates": "maybe"}),
        ("post", "/accounts/2fa/authenticate/", {"code": "123456"}),
        ("get", "/accounts/confirm-email/garbage-key/", {}),
        ("post", "/accounts/confirm-email/garbage-key/", {}),
        ("post", "/accounts/email/", {"action_remove": "", "email": "nobody@example.eu"}),
        ("post", "/accounts/email/", {"action_send": "", "email": "not an email"}),
        ("post", "/accounts/2fa/totp/activate/", {"code": "12"}),
        ("post", "/accounts/sessions/", {"junk": "1"}),
    ],
)
def test_bad_input_never_fails_with_500(head_client, method, path, data):
    response = getattr(head_client, method)(path, data)
    assert response.status_code < 500, (path, response.status_code)


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/accounts/login/", {}),
        ("post", "/accounts/login/", {"login": "x" * 5000, "password": "y"}),
        ("post", "/accounts/2fa/authenticate/", {"code": "123456"}),
        ("get", "/accounts/password/reset/key/zz-zz/", {}),
        ("post", "/accounts/password/reset/", {"email": "\x00"}),
        ("post", "/accounts/signup/", {"email": "a@b.c"}),
        ("get", "/invitations/%FF%FE/", {}),
    ],
)
def test_bad_anonymous_input_never_fails_with_500(client, method, path, data):
    response = getattr(client, method)(path, data)
    assert response.status_code < 500, (path, response.status_code)


# --- Query counts with the account middleware ------------------------------------------------


def test_dashboard_queries_stay_bounded_with_mfa_required(
    client, settings, django_assert_max_num_queries
):
    settings.PORTAL_MFA_REQUIRED = True
    user = user_in("BE", "officer")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(user)
    client.get("/")  # first request records the user session
    # Session and user (2); allauth's user-session tracking (5, with its savepoint); the MFA
    # check (1); site, page tree and view restrictions (6); Presidency term (1); permissions
    # for the menu (2); organisation (1); session save (3).
    with django_assert_max_num_queries(21):
        response = client.get("/")
    assert response.status_code == 200
