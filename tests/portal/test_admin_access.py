"""The Wagtail admin shares the portal's login (with MFA), has no password management of its
own, and opens only to staff roles."""

import pytest

from portal.models import Organisation
from tests.factories import PASSWORD, UserFactory, admin_user, user_in
from tests.helpers import assert_admin_permission_denied, assert_sent_to_admin_login, soup_of
from tests.portal.auth_steps import totp_code, user_with_totp

pytestmark = pytest.mark.django_db


def sees_wagtail_admin(response):
    """The admin's own shell (its sidebar) is in the page."""
    return response.status_code == 200 and bool(
        soup_of(response).select("[data-wagtail-sidebar], #wagtail-sidebar, aside.sidebar")
    )


def test_admin_login_url_goes_to_allauth_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


def test_anonymous_admin_request_goes_to_allauth_login(client):
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "next=/admin/pages/" in response["Location"]


def test_posting_a_password_to_admin_login_logs_nobody_in(client, admin):
    response = client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/admin/").status_code == 302


def test_admin_login_goes_through_mfa_and_back_to_admin(client, frozen):
    editor = user_in("BE", "editor")
    secret = user_with_totp(editor)
    frozen.shift(60)
    login_url = client.get("/admin/")["Location"]
    response = client.post(login_url, {"login": editor.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response["Location"] == "/admin/"
    assert sees_wagtail_admin(client.get("/admin/"))


def test_wagtail_password_management_is_off(client, admin):
    client.force_login(admin)
    account = client.get("/admin/account/")
    assert account.status_code == 200
    page = soup_of(account)
    assert not page.select("input[type=password]")
    assert "password" not in " ".join(
        h.get_text(" ", strip=True).lower() for h in page.select("h2, legend, label")
    )
    client.logout()
    response = client.get("/admin/password_reset/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/"
    for path in (
        "/admin/password_reset/done/",
        "/admin/password_reset/complete/",
        "/admin/password_reset/confirm/MQ/abc-123/",
    ):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == f"/accounts/login/?next={path}"
        assert not soup_of(response).select("input[type=password]")


def test_admin_user_editor_has_no_password_fields(client, admin, officer_be):
    client.force_login(admin)
    page = soup_of(client.get(f"/admin/users/edit/{officer_be.pk}/"))
    assert page.select_one("select[name=organisation]") is not None
    assert not page.select("input[type=password]")


@pytest.mark.parametrize("role", ["editor", "trainer", "presidency", "presidency_approver"])
def test_staff_roles_reach_the_admin(client, role):
    client.force_login(user_in("BE", role))
    assert sees_wagtail_admin(client.get("/admin/"))


def test_administrator_reaches_the_admin(client):
    client.force_login(admin_user())
    assert sees_wagtail_admin(client.get("/admin/"))


@pytest.mark.parametrize(
    "make",
    [
        lambda: user_in("BE", "officer"),
        lambda: user_in("BE", "head"),
        lambda: user_in("BE", "head", "officer"),
        lambda: UserFactory(
            organisation=Organisation.objects.get(slug="europol"), roles=["agency"]
        ),
        lambda: user_in("BE"),
    ],
    ids=["officer", "head", "head+officer", "agency", "no-role"],
)
def test_other_roles_do_not_see_the_admin(client, make):
    user = make()
    client.force_login(user)
    for path in ("/admin/", "/admin/pages/", "/admin/users/", "/admin/documents/"):
        response = client.get(path)
        assert not sees_wagtail_admin(response), path
        assert_sent_to_admin_login(response, path)
    # Nor is there a link to it in the portal.
    nav = soup_of(client.get("/")).select_one("nav[aria-label=Main]")
    assert not nav.select('a[href="/admin/"]')


def test_staff_see_the_admin_link(client):
    client.force_login(user_in("BE", "editor"))
    nav = soup_of(client.get("/")).select_one("nav[aria-label=Main]")
    assert nav.select('a[href="/admin/"]')


def test_only_admins_manage_users_in_wagtail(client, officer_be):
    client.force_login(user_in("BE", "editor"))
    assert_admin_permission_denied(client.get(f"/admin/users/edit/{officer_be.pk}/"))
