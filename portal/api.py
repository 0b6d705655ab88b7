"""The portal's JSON API (/api/v1/). Modules add their routers in portal.urls.

Authentication: the browser session (with CSRF on unsafe methods), or a per-user token sent
as `Authorization: Bearer <token>` (Wagtail's APIToken, created on the account page)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth
from wagtail.api.v3.auth import BearerTokenAuth

api = NinjaAPI(
    title="SPOC Network Portal API",
    version="1",
    urls_namespace="api",
    # Bearer first: a token request must not be elevated by a stray session cookie.
    auth=[BearerTokenAuth(), SessionAuth()],
    docs_url="/docs",
)


def _error(request, status, detail, errors=None):
    body = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc):
    return _error(request, 422, "Invalid request.", errors=exc.errors)


@api.exception_handler(ValidationError)
def on_django_validation_error(request, exc):
    return _error(request, 400, " ".join(exc.messages))


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return _error(request, 401, "Authentication required: log in or send a valid API token.")


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, 403, "You may not do this.")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _error(request, exc.status_code, str(exc))


class CountryOut(Schema):
    code: str
    eu_code: str
    name: str


class OrganisationOut(Schema):
    slug: str
    name: str
    kind: str


class MeOut(Schema):
    id: int
    email: str
    name: str
    country: CountryOut | None
    organisation: OrganisationOut | None
    roles: list[str]


@api.get("/me", response=MeOut, tags=["account"], summary="The authenticated user")
def me(request):
    user = request.user
    country = user.country
    organisation = user.organisation
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.get_full_name(),
        "country": country,
        "organisation": organisation,
        "roles": sorted(user.role_codes),
    }


def api_urls():
    """The API's URL patterns. Endpoints answer unauthenticated calls themselves with a JSON
    401, so they are exempt from the login redirect; the schema and docs stay behind login."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name not in {"openapi-json", "openapi-view"}:
            pattern.callback.login_required = False
    return patterns, app_name, namespace
