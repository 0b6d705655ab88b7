"""Numbers the database cannot hold, in the JSON API: a documented JSON 422, never a 500.

Found by the schema fuzz (tests/portal/test_api_schema_fuzz.py): a meeting year of 0 or
10000 made Django build an impossible date, and so did year 1 once shifted from Brussels time
to UTC; an id beyond 64 bits overflowed SQLite's integer (PostgreSQL's integer ends at
2**31 - 1 already). Years are now 1900 to 2999, ids 1 to 2**31 - 1."""

import pytest
from django.test import Client

from tests.factories import user_in
from tests.knowledge.factories import make_sheet
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db

HUGE = str(2**64)
NULL = {"type": "null"}


@pytest.fixture
def api(db):
    client = Client(raise_request_exception=False)
    client.force_login(user_in("BE", "officer"))
    return client


def json_422(response):
    assert response.status_code == 422, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == "Invalid request."


@pytest.mark.parametrize("year", ["0", "1", "-1", "1899", "3000", "9999", "10000", HUGE])
def test_meeting_year_outside_the_calendar_is_422(api, year):
    json_422(api.get("/api/v1/meetings", {"year": year}))


def test_meeting_years_in_the_calendar_still_filter(api):
    meeting = make_meeting()
    assert [m["id"] for m in api.get("/api/v1/meetings", {"year": "2026"}).json()] == [meeting.pk]
    assert api.get("/api/v1/meetings", {"year": "2999"}).json() == []
    assert api.get("/api/v1/meetings", {"year": "1900"}).json() == []


@pytest.mark.parametrize("path", ["/api/v1/meetings/{}", "/api/v1/factsheets/{}"])
@pytest.mark.parametrize("number", ["0", "-1", str(2**31), str(2**63), HUGE])
def test_ids_no_page_can_have_are_422(api, path, number):
    json_422(api.get(path.format(number)))


def test_largest_possible_id_is_still_a_json_404(api):
    for path in ["/api/v1/meetings/{}", "/api/v1/factsheets/{}"]:
        response = api.get(path.format(2**31 - 1))
        assert response.status_code == 404
        assert response.json() == {"detail": "Not found."}


def test_existing_ids_still_answer(api):
    meeting, sheet = make_meeting(), make_sheet("BE")
    assert api.get(f"/api/v1/meetings/{meeting.pk}").json()["id"] == meeting.pk
    assert api.get(f"/api/v1/factsheets/{sheet.pk}").json()["id"] == sheet.pk


def test_invalid_presidency_date_is_a_json_422(api):
    json_422(api.get("/api/v1/presidency", {"on": "2026-02-30"}))


def can_be_invalid(parameter):
    """Whether validation can refuse a value: anything but a free string."""
    options = [o for o in parameter["schema"].get("anyOf", [parameter["schema"]]) if o != NULL]
    return any(
        option.get("type") != "string" or {"format", "pattern", "enum"} & set(option)
        for option in options
    )


def test_every_operation_whose_parameters_can_be_invalid_documents_its_422(api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    operations = {
        f"{method.upper()} {path}": operation
        for path, methods in paths.items()
        for method, operation in methods.items()
        if any(can_be_invalid(p) for p in operation.get("parameters", []))
    }
    assert {"GET /api/v1/presidency", "GET /api/v1/meetings", "GET /api/v1/search"} < set(
        operations
    )
    assert [label for label, op in operations.items() if "422" not in op["responses"]] == []
    meeting = paths["/api/v1/meetings/{meeting_id}"]["get"]["parameters"][0]["schema"]
    assert (meeting["minimum"], meeting["maximum"]) == (1, 2**31 - 1)
