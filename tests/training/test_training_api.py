"""Training in the JSON API (/api/v1/training): the catalogue, the sessions with their .ics
address and seats left per country (the session page's figures), the user's own
nominations; scoped like the pages, with bearer tokens as for the other APIs."""

import pytest
from django.db import transaction
from django.test import Client

from portal import services as portal_services
from portal.models import Country
from tests.factories import user_in
from tests.training.helpers import make_course, make_session
from training import selectors, services
from training.models import Nomination

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_at_once(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def country(code):
    return Country.objects.get(code=code)


@pytest.fixture
def cepol_session(cepol_user):
    course = make_course(cepol_user, second_approval=False)
    return make_session(
        cepol_user,
        course,
        capacity=6,
        quotas={country("BE"): 2, country("DE"): 1},
        venue_kind="online",
        venue="",
        online_url="https://meet.example.eu/siena",
    )


def api_client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def nominate(head, session, **kwargs):
    return services.nomination_create(
        actor=head,
        session=session,
        nominee=kwargs.pop("nominee", None) or user_in(head.country.code, "officer"),
        **kwargs,
    )


def test_the_catalogue_and_one_course(officer_be, cepol_session):
    course = cepol_session.course
    client = api_client(officer_be)
    listed = client.get("/api/v1/training/courses").json()
    assert [c["cepol_code"] for c in listed] == ["27/2027"]
    assert listed[0]["topic"] == {"slug": "siena", "name": "SIENA"}
    assert listed[0]["url"].endswith(f"/training/courses/{course.pk}/")
    assert client.get("/api/v1/training/courses", {"topic": "languages"}).json() == []
    assert len(client.get("/api/v1/training/courses", {"organiser": "cepol"}).json()) == 1
    detail = client.get(f"/api/v1/training/courses/{course.pk}").json()
    assert detail["description"] == "Handling codes and workflows."
    assert client.get("/api/v1/training/courses/999999").status_code == 404
    for bad in ({"organiser": "europol"}, {"topic": "si\x00ena"}, {"cepol_code": "12/\x002027"}):
        response = client.get("/api/v1/training/courses", bad)
        assert response.status_code == 422 and response.json()["detail"] == "Invalid request."
    assert len(client.get("/api/v1/training/courses", {"cepol_code": "27/2027"}).json()) == 1


def test_the_session_list_gives_the_session_page_s_seat_figures(
    officer_be, head_be, head_de, cepol_user, cepol_session
):
    nominate(head_be, cepol_session)
    nominate(head_de, cepol_session)
    nominate(user_in("FR", "head"), cepol_session)
    listed = api_client(officer_be).get("/api/v1/training/sessions").json()
    assert len(listed) == 1
    data = listed[0]
    assert data["ics_url"].endswith(f"/training/sessions/{cepol_session.pk}/session.ics")
    assert data["seats"] == {"capacity": 6, "held": 3, "left": 3, "waiting": 0}
    per_country = {row["country"]["code"]: row for row in data["seats_left_per_country"]}
    assert len(per_country) == Country.objects.count()
    cepol_session.refresh_from_db()
    for code in ("BE", "DE", "FR", "NL"):
        page = selectors.seat_summary(session=cepol_session, country=country(code))
        assert per_country[code]["left"] == page.left_for_country, code
        assert per_country[code]["quota"] == page.quota
    # Belgium has one of its two reserved seats left; Germany has used its one.
    assert (per_country["BE"]["left"], per_country["DE"]["left"], per_country["NL"]["left"]) == (
        3,
        2,
        2,
    )


def test_the_ics_address_answers_with_a_calendar(officer_be, cepol_session):
    client = api_client(officer_be)
    url = client.get(f"/api/v1/training/sessions/{cepol_session.pk}").json()["ics_url"]
    response = client.get(url.split("testserver", 1)[1])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert cepol_session.ical_uid.encode() in response.content


def test_the_online_link_only_for_the_organiser_and_confirmed_participants(
    officer_be, head_be, cepol_user, cepol_session
):
    url = f"/api/v1/training/sessions/{cepol_session.pk}"
    assert api_client(officer_be).get(url).json()["online_url"] is None
    assert api_client(cepol_user).get(url).json()["online_url"] == "https://meet.example.eu/siena"
    nomination = nominate(head_be, cepol_session, nominee=officer_be)
    services.nomination_confirm(actor=cepol_user, nomination=nomination)
    detail = api_client(officer_be).get(url).json()
    assert detail["online_url"] == "https://meet.example.eu/siena"
    assert (detail["daily_start"], detail["daily_end"]) == ("09:00", "17:00")
    assert detail["seats"]["held"] == 1


def test_session_filters_and_bounds(officer_be, cepol_user, cepol_session):
    client = api_client(officer_be)
    assert len(client.get("/api/v1/training/sessions", {"year": 2027}).json()) == 1
    assert client.get("/api/v1/training/sessions", {"year": 2028}).json() == []
    assert client.get("/api/v1/training/sessions", {"course": 2**31 - 1}).json() == []
    for bad in ({"year": 1999}, {"year": "x"}, {"course": 0}, {"course": 2**31}):
        response = client.get("/api/v1/training/sessions", bad)
        assert response.status_code == 422, bad
    for path in ("sessions", "courses", "nominations"):
        assert client.get(f"/api/v1/training/{path}/0").status_code == 422
        missing = client.get(f"/api/v1/training/{path}/{2**31 - 1}")
        assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})


def test_own_nominations_only_and_other_countries_get_404(
    officer_be, head_be, head_de, cepol_user, cepol_session
):
    mine = nominate(head_be, cepol_session, nominee=officer_be)
    colleague = nominate(head_be, cepol_session)
    german = nominate(head_de, cepol_session)
    listed = api_client(officer_be).get("/api/v1/training/nominations").json()
    assert [n["id"] for n in listed] == [mine.pk]
    assert listed[0]["status"] == Nomination.Status.APPROVED
    officer = api_client(officer_be)
    assert officer.get(f"/api/v1/training/nominations/{colleague.pk}").status_code == 404
    # Their own head and the organiser see it with its history; another country's head not.
    history = api_client(head_be).get(f"/api/v1/training/nominations/{colleague.pk}").json()
    assert history["history"][-1]["to_status"] == "approved"
    assert history["history"][-1]["actor"] == head_be.get_full_name()
    assert (
        api_client(cepol_user).get(f"/api/v1/training/nominations/{german.pk}").status_code == 200
    )
    assert api_client(head_de).get(f"/api/v1/training/nominations/{mine.pk}").status_code == 404
    # The head's own list is their own nominations too, not the country's.
    assert api_client(head_be).get("/api/v1/training/nominations").json() == []


def test_no_name_of_a_nominee_in_the_session_answers(head_be, head_de, cepol_session):
    nominee = user_in("BE", "officer", first_name="Zebulon", last_name="Quartermaine")
    nominate(head_be, cepol_session, nominee=nominee)
    client = api_client(head_de)
    for url in ("/api/v1/training/sessions", f"/api/v1/training/sessions/{cepol_session.pk}"):
        body = client.get(url).content.decode()
        assert "Quartermaine" not in body and nominee.email not in body


def test_bearer_tokens_work_and_a_bad_one_is_401(officer_be, head_be, cepol_session):
    mine = nominate(head_be, cepol_session, nominee=officer_be)
    _token, plaintext = portal_services.api_token_create(user=officer_be, name="script")
    client = Client()
    answer = client.get("/api/v1/training/nominations", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert [n["id"] for n in answer.json()] == [mine.pk]
    for path in ("sessions", "courses", "nominations"):
        response = client.get(f"/api/v1/training/{path}", HTTP_AUTHORIZATION="Bearer nonsense")
        assert response.status_code == 401
        assert response.json()["detail"].startswith("Authentication required")
        assert Client().get(f"/api/v1/training/{path}").status_code == 401


def test_the_session_list_query_count_does_not_grow(
    officer_be, head_be, head_de, cepol_user, cepol_session, django_assert_num_queries
):
    nominate(head_be, cepol_session)
    client = api_client(officer_be)
    client.get("/api/v1/training/sessions")
    with django_assert_num_queries(7) as captured:
        assert client.get("/api/v1/training/sessions").status_code == 200
    for n in range(4):
        other = make_session(
            cepol_user,
            cepol_session.course,
            quotas={country("FR"): 1, country("BE"): 1},
            first_day=cepol_session.first_day.replace(day=20 + n),
            last_day=cepol_session.first_day.replace(day=21 + n),
        )
        nominate(head_be, other)
        nominate(head_de, other)
    with django_assert_num_queries(len(captured.captured_queries)):
        listed = client.get("/api/v1/training/sessions").json()
    assert len(listed) == 5


def test_every_training_operation_documents_its_errors(officer_be):
    paths = api_client(officer_be).get("/api/v1/openapi.json").json()["paths"]
    training = {path: ops for path, ops in paths.items() if path.startswith("/api/v1/training/")}
    assert set(training) == {
        "/api/v1/training/courses",
        "/api/v1/training/courses/{course_id}",
        "/api/v1/training/sessions",
        "/api/v1/training/sessions/{session_id}",
        "/api/v1/training/nominations",
        "/api/v1/training/nominations/{nomination_id}",
    }
    for path, operations in training.items():
        responses = operations["get"]["responses"]
        assert {"401", "422"} <= set(responses), path
        if "{" in path:
            assert "404" in responses, path
