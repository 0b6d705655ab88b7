"""The nominations on the session page and /training/nominations/: who sees whose personal
data, the forms and their errors, the query counts."""

import pytest
from django.db import transaction

from portal.models import Country
from tests.factories import user_in
from tests.helpers import soup_of
from tests.training.helpers import make_course, make_session
from training import services
from training.models import Nomination

pytestmark = pytest.mark.django_db

N = Nomination.Status


@pytest.fixture(autouse=True)
def _tasks_at_once(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def cepol_session(cepol_user):
    course = make_course(cepol_user)
    return make_session(cepol_user, course, capacity=4, quotas={Country.objects.get(code="BE"): 2})


def names_in_table(page):
    return [a.get_text() for a in page.select("#nominations-table tbody td:first-child a")]


def test_an_officer_asks_to_be_nominated_from_the_session_page(
    client, officer_be, head_be, cepol_session
):
    client.force_login(officer_be)
    url = f"/training/sessions/{cepol_session.pk}/"
    page = soup_of(client.get(url))
    assert "Seats Belgium can still take: 4" in " ".join(
        page.select_one("#seat-summary").get_text().split()
    )
    assert page.select_one("#nomination-request")
    response = client.post(
        f"/training/sessions/{cepol_session.pk}/nominations/request/",
        {"motivation": "I handle SIENA daily."},
    )
    assert response.status_code == 302
    page = soup_of(client.get(url))
    assert "Asked, waiting for the Head of SPOC" in page.select_one("#own-nomination").get_text()
    assert not page.select_one("#nomination-request")
    # Asking twice (a second tab): a clear message, no second nomination.
    response = client.post(f"/training/sessions/{cepol_session.pk}/nominations/request/", {})
    assert response.status_code == 400
    assert "already nominated" in soup_of(response).get_text()
    assert Nomination.objects.count() == 1


def test_the_head_approves_from_the_session_page(client, officer_be, head_be, cepol_session):
    nomination = services.nomination_request(actor=officer_be, session=cepol_session)
    client.force_login(head_be)
    page = soup_of(client.get(f"/training/sessions/{cepol_session.pk}/"))
    assert names_in_table(page) == [str(officer_be)]
    buttons = [" ".join(b.get_text().split()) for b in page.select("#nominations-table button")]
    assert f"Approve {officer_be}" in buttons  # each button names its nominee
    response = client.post(f"/training/nominations/{nomination.pk}/approve/")
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == N.APPROVED
    # Refusing without a reason is a 400 with the message, not a 500.
    other = services.nomination_request(actor=user_in("BE", "officer"), session=cepol_session)
    response = client.post(f"/training/nominations/{other.pk}/refuse/", {"reason": ""})
    assert response.status_code == 400
    assert (
        "Give the reason for the refusal." in soup_of(response).select_one(".messages").get_text()
    )
    other.refresh_from_db()
    assert other.status == N.REQUESTED


def test_a_head_nominates_directly_and_duplicates_are_refused(
    client, head_be, officer_be, cepol_session
):
    client.force_login(head_be)
    page = soup_of(client.get(f"/training/sessions/{cepol_session.pk}/"))
    offered = [o.get_text() for o in page.select("#nominate option")]
    assert f"{officer_be} ({officer_be.email})" in offered
    assert not any("@" in o and "DE" in o for o in offered)
    url = f"/training/sessions/{cepol_session.pk}/nominations/new/"
    assert client.post(url, {"nominee": officer_be.pk}).status_code == 302
    response = client.post(url, {"nominee": officer_be.pk})
    assert response.status_code == 400  # no longer offered: a form error
    assert soup_of(response).select(".error-summary li")
    german = user_in("DE", "officer")
    assert client.post(url, {"nominee": german.pk}).status_code == 400
    assert Nomination.objects.count() == 1


def test_other_countries_never_see_a_nominee(
    client, officer_be, head_be, head_de, trainer, cepol_user, cepol_session
):
    nomination = services.nomination_create(
        actor=head_be, session=cepol_session, nominee=officer_be
    )
    url = f"/training/sessions/{cepol_session.pk}/"
    for outsider in (head_de, user_in("DE", "officer"), trainer):
        client.force_login(outsider)
        response = client.get(url)
        assert str(officer_be).encode() not in response.content, outsider
        assert officer_be.email.encode() not in response.content
        assert client.get(f"/training/nominations/{nomination.pk}/").status_code == 404
        assert client.post(f"/training/nominations/{nomination.pk}/withdraw/").status_code == 404
    # The seat count is no secret.
    assert "1 of 4 seats taken" in soup_of(client.get(url)).select_one("#seat-summary").get_text()
    client.force_login(cepol_user)
    page = soup_of(client.get(url))
    assert names_in_table(page) == [str(officer_be)]
    assert client.get(f"/training/nominations/{nomination.pk}/").status_code == 200
    client.force_login(officer_be)
    assert client.get(f"/training/nominations/{nomination.pk}/").status_code == 200


def test_the_organiser_confirms_and_the_history_says_who_did_what(
    client, officer_be, head_be, cepol_user, cepol_session
):
    nomination = services.nomination_create(
        actor=head_be, session=cepol_session, nominee=officer_be
    )
    client.force_login(cepol_user)
    assert client.post(f"/training/nominations/{nomination.pk}/confirm/").status_code == 302
    client.force_login(head_be)
    page = soup_of(client.get(f"/training/nominations/{nomination.pk}/"))
    rows = [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in page.select("#nomination-history tbody tr")
    ]
    assert [row[1] for row in rows] == [
        "Approved, waiting for the organiser",
        "Confirmed",
    ]
    assert rows[0][2] == str(head_be)
    assert rows[1][2] == str(cepol_user)


def test_the_online_link_goes_to_confirmed_participants(client, officer_be, head_be, cepol_user):
    course = make_course(cepol_user, cepol_code="5/2027")
    session = make_session(
        cepol_user,
        course,
        venue_kind="online",
        venue="",
        online_url="https://meet.example.eu/room-5",
    )
    nomination = services.nomination_create(actor=head_be, session=session, nominee=officer_be)
    client.force_login(officer_be)
    assert b"room-5" not in client.get(f"/training/sessions/{session.pk}/").content
    services.nomination_confirm(actor=cepol_user, nomination=nomination)
    assert b"room-5" in client.get(f"/training/sessions/{session.pk}/").content


def test_the_nominations_page_lists_what_waits_for_each_role(
    client, officer_be, head_be, cepol_user, cepol_session
):
    asked = services.nomination_request(actor=officer_be, session=cepol_session)
    approved = services.nomination_create(
        actor=head_be, session=cepol_session, nominee=user_in("BE", "officer")
    )
    client.force_login(head_be)
    page = soup_of(client.get("/training/nominations/"))
    assert [a.get_text() for a in page.select("#to-approve tbody td:first-child a")] == [
        str(officer_be)
    ]
    assert len(page.select("#country-nominations tbody tr")) == 2
    client.force_login(cepol_user)
    page = soup_of(client.get("/training/nominations/"))
    assert [a.get_text() for a in page.select("#to-decide tbody td:first-child a")] == [
        str(approved.nominee)
    ]
    client.force_login(officer_be)
    page = soup_of(client.get("/training/nominations/"))
    assert len(page.select("#own-nominations tbody tr")) == 1
    assert not page.select("#to-approve")
    assert asked


def test_the_session_page_query_count_does_not_grow_with_nominations(
    client,
    head_be,
    head_de,
    cepol_user,
    cepol_session,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    services.nomination_create(
        actor=head_be, session=cepol_session, nominee=user_in("BE", "officer")
    )
    url = f"/training/sessions/{cepol_session.pk}/"
    counts = {}
    for user in (head_be, cepol_user):
        client.force_login(user)
        client.get(url)
        with django_assert_max_num_queries(35) as captured:
            assert client.get(url).status_code == 200
        counts[user.pk] = len(captured)
    for head in (head_be, head_de) * 3:
        services.nomination_create(
            actor=head, session=cepol_session, nominee=user_in(head.country.code, "officer")
        )
    for user in (head_be, cepol_user):
        client.force_login(user)
        client.get(url)
        with django_assert_num_queries(counts[user.pk]):
            assert client.get(url).status_code == 200


def test_the_nominations_page_query_count_does_not_grow(
    client,
    head_be,
    cepol_user,
    cepol_session,
    django_assert_max_num_queries,
    django_assert_num_queries,
):
    services.nomination_create(
        actor=head_be, session=cepol_session, nominee=user_in("BE", "officer")
    )
    for user in (head_be, cepol_user):
        client.force_login(user)
        client.get("/training/nominations/")
        with django_assert_max_num_queries(25) as captured:
            assert client.get("/training/nominations/").status_code == 200
        for _ in range(3):
            services.nomination_create(
                actor=head_be, session=cepol_session, nominee=user_in("BE", "officer")
            )
        with django_assert_num_queries(len(captured)):
            assert client.get("/training/nominations/").status_code == 200
