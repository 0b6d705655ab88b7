"""People management: a Head of SPOC manages their own country's users within the roles they
may give; administrators manage everyone, here and in the Wagtail admin. Disabling an account
ends its sessions."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client

from portal.models import Role
from tests.factories import PASSWORD, UserFactory, user_in
from tests.helpers import soup_of

pytestmark = pytest.mark.django_db



def people_rows(response):
    """The rows of the people table, by email."""
    table = soup_of(response).select_one("table")
    rows = {}
    for row in table.select("tbody tr"):
        cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
        rows[cells[1]] = cells
    return rows


def logged_in(user):
    """A separate browser, logged in through the real login form."""
    browser = Client()
    response = browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    assert browser.get("/").status_code == 200
    return browser


def refresh(user):
    user.refresh_from_db()
    user.__dict__.pop("_role_codes", None)
    return user


# --- Listing -------------------------------------------------------------------------------


def test_head_sees_only_own_countrys_people(client, head_be, officer_be, head_de, admin):
    de_officer = user_in("DE", "officer")
    client.force_login(head_be)
    response = client.get("/people/")
    assert response.status_code == 200
    assert soup_of(response).select_one("main h1").get_text(strip=True) == "People of Belgium"
    rows = people_rows(response)
    assert officer_be.email in rows
    assert head_be.email in rows
    for outsider in (head_de, de_officer, admin):
        assert outsider.email not in rows


def test_admin_sees_everyone(client, admin, officer_be, head_de):
    client.force_login(admin)
    rows = people_rows(client.get("/people/"))
    assert {officer_be.email, head_de.email, admin.email} <= set(rows)


def test_people_list_shows_roles_and_status(client, head_be):
    person = user_in("BE", "officer", "trainer")
    disabled = user_in("BE", "editor", is_active=False)
    client.force_login(head_be)
    rows = people_rows(client.get("/people/"))
    assert "SPOC officer" in rows[person.email][3]
    assert "Trainer" in rows[person.email][3]
    assert rows[person.email][4] == "Active"
    assert rows[disabled.email][4] == "Disabled"


@pytest.mark.parametrize("roles", [("officer",), ("editor",), ("presidency",), ()])
def test_people_pages_are_closed_to_non_managers(client, roles):
    client.force_login(user_in("BE", *roles))
    assert client.get("/people/").status_code == 403
    assert client.get("/people/invite/").status_code == 403


def test_head_without_country_cannot_manage(client):
    from portal.models import Organisation

    agency_head = UserFactory(organisation=Organisation.objects.get(slug="europol"), roles=["head"])
    client.force_login(agency_head)
    assert client.get("/people/").status_code == 403


def test_people_list_query_count_does_not_grow_with_people(
    client, head_be, django_assert_max_num_queries, django_assert_num_queries
):
    for _ in range(20):
        user_in("BE", "officer", "editor")
    client.force_login(head_be)
    client.get("/people/")  # warm the session and user-session rows
    # Session, user, user-session tracking, roles, country, count, permissions (for the
    # menu), one page of people with their groups and roles, invitations, session save.
    with django_assert_max_num_queries(20) as captured:
        response = client.get("/people/")
    assert len(people_rows(response)) == 21
    for _ in range(25):
        user_in("BE", "trainer")
    with django_assert_num_queries(len(captured)):
        response = client.get("/people/")
    assert len(people_rows(response)) == 46


# --- Roles ---------------------------------------------------------------------------------


def test_head_changes_roles_within_assignable_roles(client, head_be, officer_be):
    client.force_login(head_be)
    page = soup_of(client.get(f"/people/{officer_be.pk}/"))
    offered = {i["value"] for i in page.select("input[name=roles]")}
    assert offered == {"head", "officer", "editor", "trainer"}
    checked = {i["value"] for i in page.select("input[name=roles][checked]")}
    assert checked == {"officer"}

    response = client.post(f"/people/{officer_be.pk}/", {"roles": ["officer", "trainer"]})
    assert response.status_code == 302
    assert refresh(officer_be).role_codes == {"officer", "trainer"}


@pytest.mark.parametrize("forged", [["admin"], ["presidency"], ["officer", "presidency_approver"]])
def test_head_cannot_grant_roles_beyond_theirs(client, head_be, officer_be, forged):
    client.force_login(head_be)
    response = client.post(f"/people/{officer_be.pk}/", {"roles": forged})
    assert response.status_code == 403
    officer = refresh(officer_be)
    assert officer.role_codes == {"officer"}
    assert not officer.is_superuser


def test_head_keeps_roles_they_cannot_give(client, head_be):
    person = user_in("BE", "officer", "presidency")
    client.force_login(head_be)
    response = client.post(f"/people/{person.pk}/", {"roles": ["editor"]})
    assert response.status_code == 302
    assert refresh(person).role_codes == {"editor", "presidency"}


def test_removing_every_role_is_refused_with_a_message(client, head_be, officer_be):
    client.force_login(head_be)
    response = client.post(f"/people/{officer_be.pk}/", {})
    assert response.status_code == 200
    error = soup_of(response).select_one(".error, .form-errors")
    assert "at least one role" in error.get_text()
    assert refresh(officer_be).role_codes == {"officer"}


def test_admin_can_make_an_administrator(client, admin, officer_be):
    client.force_login(admin)
    response = client.post(f"/people/{officer_be.pk}/", {"roles": ["officer", "admin"]})
    assert response.status_code == 302
    officer = refresh(officer_be)
    assert officer.is_superuser
    assert officer.role_codes == {"officer", "admin"}


def test_head_cannot_touch_another_countrys_user(client, head_be, head_de):
    de_officer = user_in("DE", "officer")
    client.force_login(head_be)
    assert client.get(f"/people/{de_officer.pk}/").status_code == 404
    assert client.post(f"/people/{de_officer.pk}/", {"roles": ["head"]}).status_code == 404
    assert client.post(f"/people/{de_officer.pk}/active/", {"active": "0"}).status_code == 404
    assert refresh(de_officer).role_codes == {"officer"}
    assert refresh(de_officer).is_active


def test_head_cannot_touch_an_administrator_of_their_country(client, head_be):
    be_admin = user_in("BE", "admin")
    client.force_login(head_be)
    assert client.get(f"/people/{be_admin.pk}/").status_code == 404
    assert client.post(f"/people/{be_admin.pk}/active/", {"active": "0"}).status_code == 404
    assert refresh(be_admin).is_active


def test_nobody_edits_or_disables_themselves_here(client, head_be):
    client.force_login(head_be)
    assert client.get(f"/people/{head_be.pk}/").status_code == 404
    assert client.post(f"/people/{head_be.pk}/active/", {"active": "0"}).status_code == 404
    assert refresh(head_be).is_active


@pytest.mark.parametrize("path", ["/people/999999/", "/people/999999/active/"])
def test_unknown_user_is_404(client, head_be, path):
    client.force_login(head_be)
    assert client.post(path, {"active": "0", "roles": ["officer"]}).status_code == 404


# --- Disabling -----------------------------------------------------------------------------


def test_disabling_ends_sessions_and_blocks_login(client, head_be, officer_be):
    browser = logged_in(officer_be)
    assert UserSession.objects.filter(user=officer_be).exists()

    client.force_login(head_be)
    response = client.post(f"/people/{officer_be.pk}/active/", {"active": "0"}, follow=True)
    assert response.status_code == 200
    status = people_rows(response)[officer_be.email][4]
    assert status.startswith(f"Disabled by {head_be.get_full_name()}, ")
    assert not refresh(officer_be).is_active
    assert not UserSession.objects.filter(user=officer_be).exists()

    # The other browser is logged out on its next request.
    response = browser.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    # And the password no longer opens the portal.
    fresh = Client()
    response = fresh.post(
        "/accounts/login/", {"login": officer_be.email, "password": PASSWORD}, follow=True
    )
    assert "Account Inactive" in soup_of(response).select_one("main h1").get_text()
    assert not response.wsgi_request.user.is_authenticated
    assert fresh.get("/").status_code == 302


def test_reenabling_does_not_revive_old_sessions(client, head_be, officer_be):
    browser = logged_in(officer_be)
    client.force_login(head_be)
    client.post(f"/people/{officer_be.pk}/active/", {"active": "0"})
    client.post(f"/people/{officer_be.pk}/active/", {"active": "1"})
    assert refresh(officer_be).is_active
    assert browser.get("/").status_code == 302
    # Logging in again works.
    assert logged_in(officer_be)


@pytest.mark.parametrize("data", [{}, {"active": ""}, {"active": "maybe"}])
def test_set_active_without_a_clear_choice_changes_nothing(client, head_be, officer_be, data):
    client.force_login(head_be)
    response = client.post(f"/people/{officer_be.pk}/active/", data)
    assert response.status_code == 400
    assert refresh(officer_be).is_active


def test_set_active_needs_post(client, head_be, officer_be):
    client.force_login(head_be)
    assert client.get(f"/people/{officer_be.pk}/active/").status_code == 405
    assert refresh(officer_be).is_active


# --- Administrators in the Wagtail admin ---------------------------------------------------


def admin_edit_form_data(page):
    """The Wagtail user edit form's current values, as the browser would post them."""
    form = page.select_one("form[method=post]")
    data = {}
    for field in form.select("input, select, textarea"):
        name = field.get("name")
        if not name:
            continue
        if field.name == "select":
            selected = field.select_one("option[selected]")
            data[name] = selected["value"] if selected else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") != "file":
            data[name] = field.get("value", "")
    return data


def test_admin_edits_organisation_in_wagtail_admin(client, admin, officer_be):
    from portal.models import Organisation

    client.force_login(admin)
    page = soup_of(client.get(f"/admin/users/edit/{officer_be.pk}/"))
    select = page.select_one("select[name=organisation]")
    assert select is not None
    assert select.select_one("option[selected]")["value"] == str(officer_be.organisation_id)
    assert not page.select("input[name=password1]")

    data = admin_edit_form_data(page)
    data["organisation"] = str(Organisation.objects.get(slug="spoc-nl").pk)
    response = client.post(f"/admin/users/edit/{officer_be.pk}/", data)
    assert response.status_code == 302, soup_of(response).select(".error-message")
    assert refresh(officer_be).organisation.slug == "spoc-nl"


def test_deactivating_in_wagtail_admin_ends_sessions(client, admin, officer_be):
    browser = logged_in(officer_be)
    client.force_login(admin)
    page = soup_of(client.get(f"/admin/users/edit/{officer_be.pk}/"))
    data = admin_edit_form_data(page)
    data.pop("is_active")
    response = client.post(f"/admin/users/edit/{officer_be.pk}/", data)
    assert response.status_code == 302
    assert not refresh(officer_be).is_active
    assert not UserSession.objects.filter(user=officer_be).exists()
    assert browser.get("/").status_code == 302


def test_bulk_deactivation_in_wagtail_admin_ends_sessions(client, admin, officer_be):
    browser = logged_in(officer_be)
    client.force_login(admin)
    response = client.post(
        f"/admin/bulk/portal/user/set_active_state/?id={officer_be.pk}&next=/admin/users/",
        {"mark_as_active": "False"},
    )
    assert response.status_code == 302
    assert not refresh(officer_be).is_active
    assert not UserSession.objects.filter(user=officer_be).exists()
    # Marking active again does not bring the old session back.
    client.post(
        f"/admin/bulk/portal/user/set_active_state/?id={officer_be.pk}&next=/admin/users/",
        {"mark_as_active": "True"},
    )
    assert refresh(officer_be).is_active
    assert browser.get("/").status_code == 302


def test_admin_creates_user_with_organisation_in_wagtail_admin(client, admin):
    from portal.models import Organisation, User

    client.force_login(admin)
    page = soup_of(client.get("/admin/users/new/"))
    assert page.select_one("select[name=organisation]") is not None
    data = admin_edit_form_data(page)
    data.update(
        {
            "username": "frontex.liaison",
            "email": "liaison@frontex.example",
            "first_name": "Ana",
            "last_name": "Lopes",
            "organisation": str(Organisation.objects.get(slug="frontex").pk),
        }
    )
    response = client.post("/admin/users/new/", data)
    assert response.status_code == 302, soup_of(response).select(".error-message")
    created = User.objects.get(email="liaison@frontex.example")
    assert created.organisation.slug == "frontex"
    # No password is set in the admin: the person uses password reset (or an invitation).
    assert not created.has_usable_password()
    assert Role.ADMIN not in created.role_codes


def test_admin_created_user_sets_a_password_by_reset_and_logs_in(client, admin, mailoutbox):
    import re

    from portal.models import Organisation, User

    client.force_login(admin)
    data = admin_edit_form_data(soup_of(client.get("/admin/users/new/")))
    data.update(
        {
            "username": "cepol.trainer",
            "email": "trainer@cepol.example",
            "first_name": "Tom",
            "last_name": "Horvath",
            "organisation": str(Organisation.objects.get(slug="cepol").pk),
        }
    )
    assert client.post("/admin/users/new/", data).status_code == 302
    client.logout()

    browser = Client()
    browser.post("/accounts/password/reset/", {"email": "trainer@cepol.example"})
    body = mailoutbox[-1].body
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", body).group(1)
    form_url = browser.get(link)["Location"]
    new_password = "a-brand-new-passphrase-for-cepol"
    response = browser.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    response = browser.post(
        "/accounts/login/", {"login": "trainer@cepol.example", "password": new_password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert browser.get("/").wsgi_request.user == User.objects.get(email="trainer@cepol.example")


def test_admin_cannot_give_two_accounts_the_same_address(client, admin, officer_be, head_be):
    from portal.models import Organisation, User

    client.force_login(admin)
    data = admin_edit_form_data(soup_of(client.get("/admin/users/new/")))
    data.update(
        {
            "username": "dup",
            "email": officer_be.email.upper(),
            "first_name": "D",
            "last_name": "U",
            "organisation": str(Organisation.objects.get(slug="spoc-be").pk),
        }
    )
    response = client.post("/admin/users/new/", data)
    assert response.status_code == 200
    assert "already uses this email" in soup_of(response).get_text()
    assert not User.objects.filter(username="dup").exists()

    data = admin_edit_form_data(soup_of(client.get(f"/admin/users/edit/{head_be.pk}/")))
    data["email"] = officer_be.email
    response = client.post(f"/admin/users/edit/{head_be.pk}/", data)
    assert response.status_code == 200
    assert refresh(head_be).email != officer_be.email


def test_email_changed_in_admin_becomes_the_login_address(client, admin, officer_be):
    client.force_login(admin)
    data = admin_edit_form_data(soup_of(client.get(f"/admin/users/edit/{officer_be.pk}/")))
    data["email"] = "renamed@police.example"
    assert client.post(f"/admin/users/edit/{officer_be.pk}/", data).status_code == 302
    browser = Client()
    response = browser.post(
        "/accounts/login/", {"login": "renamed@police.example", "password": PASSWORD}
    )
    assert response["Location"] == "/"
    assert browser.get("/").wsgi_request.user == officer_be
