"""The JSON API at /api/v1/: session or bearer-token authentication, JSON errors everywhere."""

import json

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from wagtail.models import APIToken

from portal import services
from tests.factories import UserFactory, user_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return user_in(
        "GR",
        "head",
        "trainer",
        email="head.gr@example.eu",
        first_name="Eleni",
        last_name="Papadopoulou",
    )


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_json_error(response, status):
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body.get("detail"), (str, list)) and body["detail"]
    return body


def test_me_with_session(client, member):
    client.force_login(member)
    response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": member.pk,
        "email": "head.gr@example.eu",
        "name": "Eleni Papadopoulou",
        "country": {"code": "GR", "eu_code": "EL", "name": "Greece"},
        "organisation": {"slug": "spoc-gr", "name": "SPOC Greece", "kind": "spoc"},
        "roles": ["head", "trainer"],
    }
    assert "no-store" in response["Cache-Control"]


def test_me_for_agency_user_has_no_country(client):
    from portal.models import Organisation

    user = UserFactory(organisation=Organisation.objects.get(slug="europol"), roles=["agency"])
    client.force_login(user)
    body = client.get("/api/v1/me").json()
    assert body["country"] is None
    assert body["organisation"]["slug"] == "europol"
    assert body["roles"] == ["agency"]


def test_me_for_admin_includes_admin_role(client, admin):
    client.force_login(admin)
    assert "admin" in client.get("/api/v1/me").json()["roles"]


def test_bearer_token_works_without_a_session(member):
    _token, plaintext = services.api_token_create(user=member, name="statistics script")
    response = Client().get("/api/v1/me", **bearer(plaintext))
    assert response.status_code == 200
    assert response.json()["email"] == "head.gr@example.eu"
    # Only a hash is stored.
    assert not APIToken.objects.filter(key_hash=plaintext).exists()
    assert APIToken.objects.get(user=member).last_used_at is not None


def test_no_auth_is_a_json_401_not_a_login_redirect(client):
    body = assert_json_error(client.get("/api/v1/me"), 401)
    assert "token" in body["detail"].lower()
    assert client.get("/api/v1/me")["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_is_401(member):
    token, plaintext = services.api_token_create(user=member, name="old")
    services.api_token_revoke(token=token)
    assert_json_error(Client().get("/api/v1/me", **bearer(plaintext)), 401)


def test_disabled_users_token_is_401(member):
    _token, plaintext = services.api_token_create(user=member, name="old")
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert_json_error(Client().get("/api/v1/me", **bearer(plaintext)), 401)


@pytest.mark.parametrize(
    "header",
    [
        "Bearer wagtail_notarealtoken",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "Bearer " + "x" * 5000,
        "Bearer wagtail_" + "A" * 40,
    ],
)
def test_bad_authorization_is_not_rescued_by_a_session(client, member, header):
    client.force_login(member)
    assert client.get("/api/v1/me").status_code == 200
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert_json_error(response, 401)


def test_another_users_session_does_not_override_a_valid_token(client, member):
    other = user_in("DE", "officer")
    _token, plaintext = services.api_token_create(user=member, name="script")
    client.force_login(other)
    assert client.get("/api/v1/me", **bearer(plaintext)).json()["email"] == member.email


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("post", "/api/v1/me", 405),
        ("delete", "/api/v1/me", 405),
        ("get", "/api/v1/nonexistent", 404),
        ("get", "/api/v1/", 404),
        ("get", "/api/v1/countries/XX", 404),
        ("get", "/api/v1/countries/GREECE", 404),
        ("get", "/api/v1/presidency?on=2027-13-45", 422),
        ("get", "/api/v1/presidency?on=yesterday", 422),
        ("get", "/api/v1/presidency?on=2031-01-01", 404),
    ],
)
def test_malformed_requests_get_json_4xx(client, member, method, path, status):
    client.force_login(member)
    response = getattr(client, method)(path)
    assert_json_error(response, status)


def test_malformed_json_body_with_token_is_4xx_json(member):
    _token, plaintext = services.api_token_create(user=member, name="script")
    response = Client().generic(
        "POST", "/api/v1/me", "{not json", content_type="application/json", **bearer(plaintext)
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_unknown_api_paths_are_json_even_for_anonymous(client):
    assert_json_error(client.get("/api/v1/does/not/exist"), 404)


def test_reference_endpoints(client, member):
    client.force_login(member)
    countries = client.get("/api/v1/countries").json()
    assert len(countries) == 31
    greece = client.get("/api/v1/countries/EL").json()
    assert greece == {
        "code": "GR",
        "eu_code": "EL",
        "name": "Greece",
        "is_eu_member": True,
        "spoc": "spoc-gr",
    }
    assert client.get("/api/v1/countries/gr").json()["name"] == "Greece"
    presidency = client.get("/api/v1/presidency?on=2027-09-01").json()
    assert presidency["country"]["name"] == "Greece"
    assert presidency["starts_on"] == "2027-07-01"
    assert presidency["ends_on"] == "2027-12-31"


def test_openapi_schema_for_logged_in_users_documents_me(client, member):
    assert client.get("/api/v1/openapi.json").status_code == 302  # behind login
    client.force_login(member)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert "/api/v1/me" in schema["paths"]
    assert "get" in schema["paths"]["/api/v1/me"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_interactive_docs_for_logged_in_users_only(client, member):
    assert client.get("/api/v1/docs").status_code == 302
    client.force_login(member)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    # No inline script and nothing from a CDN: the portal's CSP allows only 'self'.
    scripts = soup.find_all("script")
    assert all(s.get("src", "").startswith("/static/") for s in scripts if s.get("src"))
    assert all(s.get("type") == "application/json" for s in scripts if not s.get("src"))


# --- Tokens on the account page ---------------------------------------------------------------


def test_create_and_revoke_token_on_account_page(client, member):
    from tests.portal.auth_steps import reauthenticate

    client.force_login(member)
    reauthenticate(client)  # creating a token asks for the password again
    response = client.post("/account/api-tokens/", {"name": "statistics script"}, follow=True)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    plaintext = soup.find("input", id="new-token")["value"]
    assert plaintext.startswith("wagtail_")
    assert "statistics script" in soup.get_text()

    # Shown once: reloading the page does not show it again.
    again = client.get("/account/preferences/")
    assert plaintext not in again.content.decode()

    # It works without the session.
    assert Client().get("/api/v1/me", **bearer(plaintext)).status_code == 200

    token = APIToken.objects.get(user=member)
    response = client.post(f"/account/api-tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert_json_error(Client().get("/api/v1/me", **bearer(plaintext)), 401)
    page = BeautifulSoup(client.get("/account/preferences/").content, "html.parser")
    assert "statistics script" not in page.select_one("#api-tokens").parent.get_text()


def test_cannot_revoke_someone_elses_token(client, member):
    other = user_in("DE", "officer")
    token, plaintext = services.api_token_create(user=other, name="theirs")
    client.force_login(member)
    assert client.post(f"/account/api-tokens/{token.pk}/revoke/").status_code == 404
    assert Client().get("/api/v1/me", **bearer(plaintext)).status_code == 200


def test_token_creation_requires_post(client, member):
    client.force_login(member)
    assert client.get("/account/api-tokens/").status_code == 405
    assert not APIToken.objects.filter(user=member).exists()


def test_session_post_needs_csrf(member):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(member)
    response = csrf_client.post("/api/v1/me")
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()
