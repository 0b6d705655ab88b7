"""The portal's JSON API (/api/v1/). Apps mount their routers by returning a `(prefix,
router or its dotted path)` pair from a `register_api_router` hook in their wagtail_hooks.py
(portal.plugins); the routers are added once, when the URLs or the schema are first asked for.

Authentication: a per-user token sent as `Authorization: Bearer <token>` (Wagtail's hashed
APIToken, created on the account page), or the browser session (with CSRF on unsafe methods).
A request that carries any Authorization header is judged on that header alone: a bad token
is never rescued by a session cookie riding along. Tokens expire PORTAL_API_TOKEN_DAYS after
creation, and with PORTAL_MFA_REQUIRED their owner must have a second factor (the MFA
middleware runs before the token is read, so the check is here).

Every answer is JSON, errors included: {"detail": "..."} with a 4xx status, never a login
redirect or an HTML error page."""

import datetime
import functools

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import re_path
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import APIToken

from portal import plugins
from portal.reference import country_by_code, presidency_on
from portal.selectors import api_token_usable, reference_countries

MAX_AUTHORIZATION_LENGTH = 512
MAX_ID = 2**31 - 1  # page ids are PostgreSQL integers: larger ones cannot exist (422, not a 500)


class PortalBearerAuth(BearerTokenAuth):
    """Wagtail's bearer-token auth, made strict: any Authorization header, bearer or not,
    decides the request on its own (the session is dropped), and tokens that cannot exist
    are refused without a database lookup."""

    def __call__(self, request):
        header = request.headers.get(self.header)
        if header is None:
            return None  # no token: the session may authenticate the request
        request.user = AnonymousUser()
        if len(header) > MAX_AUTHORIZATION_LENGTH:
            return None
        scheme, _, token = header.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not APIToken.validate_token_format(token):
            return None
        return self.authenticate(request, token)

    def authenticate(self, request, token):
        api_token = api_token_usable(token)
        user = api_token.user if api_token else None
        if user is None or not user.is_active:
            request.user = AnonymousUser()
            return None  # revoked, expired, unknown or disabled: 401
        if settings.PORTAL_MFA_REQUIRED and not is_mfa_enabled(user):
            request.user = AnonymousUser()
            raise HttpError(403, "Set up two-factor authentication before using the API.")
        request.user = user
        self._touch_last_used(api_token)  # at most once per WAGTAILAPI_TOKEN_LAST_USED_INTERVAL
        return api_token


class PortalAPI(NinjaAPI):
    """NinjaAPI that adds the `register_api_router` hooks' routers at first use."""

    _routers_mounted = False

    def mount_routers(self):
        if self._routers_mounted:
            return
        self._routers_mounted = True
        for prefix, router in plugins.collect(plugins.API_ROUTER):
            self.add_router(prefix, router)

    @property
    def urls(self):
        self.mount_routers()
        return super().urls

    def get_openapi_schema(self, **kwargs):
        self.mount_routers()
        return super().get_openapi_schema(**kwargs)


api = PortalAPI(
    title="SPOC Network Portal API",
    version="1",
    description=(
        "The SPOC Network Portal's JSON API. Authenticate with `Authorization: Bearer <token>` "
        "(create a token on your account page) or a logged-in browser session."
    ),
    urls_namespace="api",
    auth=[PortalBearerAuth(), SessionAuth()],
    # Swagger UI from ninja's own static files (no inline script, no CDN): fits the CSP.
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
    response = _error(request, 401, "Authentication required: log in or send a valid API token.")
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, 403, "You may not do this.")


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return _error(request, exc.status_code, str(exc))


# --- Schemas ----------------------------------------------------------------------------------


class CountryOut(Schema):
    code: str
    eu_code: str
    name: str


class CountryDetailOut(CountryOut):
    is_eu_member: bool
    spoc: str | None


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


class PresidencyOut(Schema):
    country: CountryOut
    starts_on: datetime.date
    ends_on: datetime.date


class ErrorOut(Schema):
    detail: str


ERRORS = {401: ErrorOut, 404: ErrorOut}


# --- Endpoints ----------------------------------------------------------------------------


@api.get(
    "/me",
    response={200: MeOut, 401: ErrorOut},
    tags=["account"],
    summary="The authenticated user: country, organisation and roles",
)
def me(request):
    user = request.user
    return {
        "id": user.pk,
        "email": user.email,
        "name": user.get_full_name(),
        "country": user.country,
        "organisation": user.organisation,
        "roles": sorted(user.role_codes),
    }


@api.get(
    "/countries",
    response={200: list[CountryDetailOut], 401: ErrorOut},
    tags=["reference"],
    summary="The network's 31 countries",
)
def countries(request):
    return [_country_detail(country) for country in reference_countries()]


@api.get(
    "/countries/{code}",
    response={200: CountryDetailOut, **ERRORS},
    tags=["reference"],
    summary="One country by ISO 3166 code or the EU's code (EL for Greece)",
)
def country(request, code: str):
    found = country_by_code(code) if len(code) == 2 else None
    if found is None:
        raise Http404
    return _country_detail(found)


@api.get(
    "/presidency",
    response={200: PresidencyOut, **ERRORS, 422: ErrorOut},
    tags=["reference"],
    summary="The Council Presidency holding office on a date (default: today)",
)
def presidency(request, on: datetime.date | None = None):
    term = presidency_on(on)
    if term is None:
        raise Http404
    return term


def _country_detail(country):
    spoc = getattr(country, "spoc", None)
    return {
        "code": country.code,
        "eu_code": country.eu_code,
        "name": country.name,
        "is_eu_member": country.is_eu_member,
        "spoc": spoc.slug if spoc else None,
    }


# --- URLs -------------------------------------------------------------------------------


def _json_method_not_allowed(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = JsonResponse({"detail": "Method not allowed."}, status=405)
            response["Allow"] = allowed
        return response

    return wrapper


def _not_found(request, path=""):
    return JsonResponse({"detail": "Not found."}, status=404)


_not_found.login_required = False
_not_found.csrf_exempt = True


def api_urls():
    """The API's URL patterns. Endpoints answer unauthenticated calls themselves with a JSON
    401, so they are exempt from the login redirect; the schema stays behind login. Unknown
    paths under the API get a JSON 404."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if pattern.name in {"openapi-json", "openapi-view"}:
            continue
        if pattern.name == "api-root":
            # ninja's root view answers HTML; make it the JSON 404 of any unknown API path.
            # (The pattern stays: the schema reverses it for the API's prefix.)
            pattern.callback = _not_found
            continue
        pattern.callback = _json_method_not_allowed(pattern.callback)
        pattern.callback.login_required = False
    patterns = [*patterns, re_path(r"^(?P<path>.*)$", _not_found)]
    return patterns, app_name, namespace

