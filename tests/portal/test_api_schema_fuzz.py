"""Schema fuzzing of the JSON API (run by `make security`; `make test` deselects it).

Schemathesis reads /api/v1/openapi.json as a logged-in user gets it and generates requests for
every operation from it, valid ones and invalid ones, which run in-process through the portal's
WSGI application on the test database: once with the browser session, once with a bearer token.
Every answer must be: no 5xx; a documented status code; a JSON body matching the documented
schema; invalid input refused with a 4xx; the same request without the credentials, or with
forged ones, refused with a 401 (schemathesis's `ignored_auth` probe).

Accepted on purpose: 400 for a request the schema allows but whose value names nothing (an
unknown country, topic or content type): the schema cannot list them, the body says which
parameter is wrong, and that 400 is documented with its schema.

Bounded: PORTAL_FUZZ_EXAMPLES generated requests per operation and credential (default 100),
derandomized so that every run sends the same requests. To look further locally:
`make security PORTAL_FUZZ_EXAMPLES=300 PORTAL_FUZZ_RANDOM=1`."""

import os

import pytest
import schemathesis
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from portal import services
from portal.api import api
from portal.demo import run_seeders
from tests.factories import user_in

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "100"))
RANDOM = os.environ.get("PORTAL_FUZZ_RANDOM", "") not in {"", "0"}
SCHEMA_PATH = "/api/v1/openapi.json"

CONFIG = {
    "checks": {
        # schemathesis's default, plus 400 (see the module docstring).
        "positive_data_acceptance": {
            "expected-statuses": ["2XX", "3XX", 400, 401, 403, 404, 409, 429],
        },
    },
}

# The operations, from the schema the API object builds; test_schema_is_the_served_one checks
# that the served document has the same ones.
OPERATIONS = [
    (method.upper(), path)
    for path, methods in api.get_openapi_schema(path_prefix="/api/v1/")["paths"].items()
    for method in methods
]


@pytest.fixture(scope="module")
def demo_member(django_db_setup, django_db_blocker):
    """A Head of SPOC (and national editor) with TOTP, in the demo portal: meetings with
    agendas, polls and action items, fact sheets with rules and legal bases, updates.
    Seeded once for the module inside a transaction that is rolled back after it (as Django's
    TestCase.setUpTestData does); each test runs in a savepoint of its own within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        run_seeders()
        user = user_in("BE", "head", "editor", email="fuzz.be@example.eu")
        TOTP.activate(user, generate_totp_secret())
        yield user
        transaction.set_rollback(True)


@pytest.fixture
def member(demo_member, db, settings):
    # The fuzz sends far more requests a minute than the per-user (and, for the requests it
    # sends without credentials, per-address) limits of the API and of search allow.
    settings.PORTAL_RATE_LIMITS = {bucket: "1000000/m" for bucket in settings.PORTAL_RATE_LIMITS}
    return demo_member


def logged_in(user):
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture(params=["session", "bearer"])
def credentials(request, member):
    """What each generated request carries: the session cookie, or a bearer token alone."""
    if request.param == "session":
        return "session", logged_in(member).cookies["sessionid"].value
    _token, plaintext = services.api_token_create(user=member, name="schema fuzz")
    return "bearer", plaintext


def carries(case, credentials):
    kind, secret = credentials
    if kind == "session":
        return (case.cookies or {}).get("sessionid") == secret
    return (case.headers or {}).get("Authorization") == f"Bearer {secret}"


class InProcessWSGIHandler(WSGIHandler):
    """The portal's WSGI application, without the per-request database connection check that
    would close the test's connection, and its transaction, on PostgreSQL. Django's test client
    leaves it out around each request the same way (and puts it back after)."""

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return super().__call__(environ, start_response)


@pytest.fixture
def wsgi_app():
    yield InProcessWSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(member, credentials, wsgi_app):
    # The schema as a logged-in user gets it (it is behind login); the requests then run
    # in-process through the WSGI application.
    response = logged_in(member).get(SCHEMA_PATH)
    assert response.status_code == 200
    loaded = schemathesis.openapi.from_dict(
        response.json(), config=schemathesis.Config.from_dict(CONFIG)
    )
    loaded.app = wsgi_app
    kind, secret = credentials

    class Credentials:
        """Known-good credentials for schemathesis, so that its ignored_auth check also sends
        requests without them and with forged ones (and expects a 401)."""

        def get(self, case, ctx):
            return secret

        def set(self, case, data, ctx):
            if kind == "session":
                case.cookies = {**(case.cookies or {}), "sessionid": data}
            else:
                case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    loaded.auth(refresh_interval=None)(Credentials)
    return loaded


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_answers_as_documented(api_schema, credentials, method, path):
    operation = api_schema[path][method]
    modes = [GenerationMode.POSITIVE]
    if operation.path_parameters or operation.query:
        modes.append(GenerationMode.NEGATIVE)  # invalid input must be refused with a 4xx
    cases = st.one_of(*(operation.as_strategy(generation_mode=mode) for mode in modes))

    def authenticated(ctx, response, case):
        """A 401 for a request that carried the valid credentials: auth broke, and nothing
        behind it was tested. (Generated cases may drop or forge them: those may get 401.)"""
        if response.status_code == 401 and carries(case, credentials):
            raise AssertionError(f"401 with valid credentials: {response.text[:200]}")

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        derandomize=not RANDOM,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    def run(case):
        # REMOTE_ADDR as gunicorn (and Django's test client) always set it; werkzeug's does not.
        case.call_and_validate(
            environ_base={"REMOTE_ADDR": "127.0.0.1"}, additional_checks=[authenticated]
        )

    run()


def test_schema_is_the_served_one_and_behind_login(member):
    served = logged_in(member).get(SCHEMA_PATH).json()
    assert [(m.upper(), p) for p, ms in served["paths"].items() for m in ms] == OPERATIONS
    assert len(OPERATIONS) >= 11
    assert Client().get(SCHEMA_PATH).status_code == 302  # to the login page
