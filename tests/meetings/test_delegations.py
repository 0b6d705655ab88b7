"""Invitations and delegations: each Head of SPOC registers, swaps and withdraws their own
country's delegates within the meeting's cap, with a waiting list that moves up by itself,
until the deadline. The organisers see every delegation and the notes; nobody else does."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection

from meetings.models import AgencyInvitation, MeetingPage, Registration
from meetings.services import (
    registration_add,
    registration_swap,
    registration_withdraw,
)
from portal.models import Organisation
from tests.factories import UserFactory, admin_user, user_in
from tests.helpers import soup_of
from tests.meetings.factories import make_meeting, register

NOW = datetime.datetime(2026, 11, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def head_be(db):
    return user_in("BE", "head")


@pytest.fixture
def head_fr(db):
    return user_in("FR", "head")



def states(meeting, country_code="BE"):
    return [
        (r.name, r.status, r.position)
        for r in Registration.objects.filter(meeting=meeting, country__code=country_code).order_by(
            "status", "position", "pk"
        )
    ]


def add_url(meeting):
    return f"/meetings/{meeting.pk}/delegates/"


def withdraw_url(registration):
    return f"/meetings/{registration.meeting_id}/delegates/{registration.pk}/withdraw/"


def swap_url(registration):
    return f"/meetings/{registration.meeting_id}/delegates/{registration.pk}/swap/"


# --- Services -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_cap_then_waiting_list_in_order(head_be, meeting):
    for name in ("Ann", "Bob", "Cid", "Dee"):
        register(head_be, meeting, name)
    assert states(meeting) == [
        ("Ann", "confirmed", None),
        ("Bob", "confirmed", None),
        ("Cid", "waiting", 1),
        ("Dee", "waiting", 2),
    ]


@pytest.mark.django_db
def test_the_cap_is_per_country_and_set_on_the_meeting(head_be, head_fr):
    meeting = make_meeting()
    MeetingPage.objects.filter(pk=meeting.pk).update(delegates_per_country=1)
    register(head_be, meeting, "Ann")
    register(head_fr, meeting, "Fabien")
    register(head_be, meeting, "Bob")
    assert states(meeting, "BE") == [("Ann", "confirmed", None), ("Bob", "waiting", 1)]
    assert states(meeting, "FR") == [("Fabien", "confirmed", None)]


@pytest.mark.django_db
def test_withdrawing_a_seat_moves_the_first_waiting_delegate_up(head_be, meeting):
    ann, _bob, _cid, _dee = (register(head_be, meeting, n) for n in ("Ann", "Bob", "Cid", "Dee"))
    promoted = registration_withdraw(actor=head_be, registration=ann)
    assert promoted.name == "Cid"
    assert states(meeting) == [
        ("Bob", "confirmed", None),
        ("Cid", "confirmed", None),
        ("Dee", "waiting", 1),
    ]


@pytest.mark.django_db
def test_withdrawing_from_the_waiting_list_closes_the_gap(head_be, meeting):
    regs = [register(head_be, meeting, n) for n in ("Ann", "Bob", "Cid", "Dee", "Eve")]
    assert registration_withdraw(actor=head_be, registration=regs[2]) is None
    assert states(meeting)[2:] == [("Dee", "waiting", 1), ("Eve", "waiting", 2)]


@pytest.mark.django_db
def test_swap_keeps_the_seat(head_be, meeting):
    ann = register(head_be, meeting, "Ann", dietary_notes="Vegetarian")
    registration_swap(actor=head_be, registration=ann, name="Zoe", email="zoe@example.eu")
    ann.refresh_from_db()
    assert (ann.name, ann.email, ann.status) == ("Zoe", "zoe@example.eu", "confirmed")


@pytest.mark.django_db
def test_after_the_deadline_registration_is_refused_with_a_clear_message(head_be):
    meeting = make_meeting()
    MeetingPage.objects.filter(pk=meeting.pk).update(
        registration_deadline=NOW - datetime.timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="Registration closed on 1 November 2026 at 11:59"):
        registration_add(
            actor=head_be,
            meeting=meeting,
            name="Ann",
            email="ann@example.eu",
            attendance="remote",
            now=NOW,
        )
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_only_heads_register_and_only_their_own_country(head_be, head_fr, meeting):
    officer = user_in("BE", "officer")
    with pytest.raises(PermissionDenied):
        register(officer, meeting, "Ann")
    ann = register(head_be, meeting, "Ann")
    with pytest.raises(PermissionDenied):
        registration_withdraw(actor=head_fr, registration=ann)
    with pytest.raises(PermissionDenied):
        registration_swap(actor=head_fr, registration=ann, name="X", email="x@example.eu")
    assert states(meeting) == [("Ann", "confirmed", None)]


@pytest.mark.django_db
def test_one_registration_per_address_per_meeting(head_be, head_fr, meeting):
    register(head_be, meeting, "Ann", email="ann@example.eu")
    with pytest.raises(ValidationError) as raised:
        register(head_fr, meeting, "Ann again", email="ANN@example.eu")
    assert "already registered" in str(raised.value.message_dict["email"])


# --- Pages ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_head_registers_through_the_labelled_form_and_sees_the_waiting_list(
    client, head_be, meeting
):
    client.force_login(head_be)
    soup = soup_of(client.get(meeting.url))
    form = soup.select_one("#delegation form#delegate-add")
    for field in ("name", "email", "dietary_notes", "accessibility_notes"):
        assert form.find("label", attrs={"for": f"id_{field}"}) is not None
    for name in ("Ann", "Bob", "Cid"):
        response = client.post(
            add_url(meeting),
            {"name": name, "email": f"{name}@example.eu", "attendance": "remote"},
        )
        assert response.status_code == 302
    soup = soup_of(client.get(meeting.url))
    rows = soup.select("#delegation tr.registration")
    assert [r.select_one(".name").get_text() for r in rows] == ["Ann", "Bob", "Cid"]
    assert rows[2].select_one(".status").get_text() == "Waiting list, number 1"
    assert rows[0].select_one(".attendance").get_text() == "Remote"


def test_an_invited_agencys_delegation_section_speaks_of_delegations(client, meeting):
    europol = Organisation.objects.get(slug="europol")
    AgencyInvitation.objects.create(meeting=meeting, organisation=europol)
    client.force_login(UserFactory(organisation=europol, roles=["agency"]))
    section = soup_of(client.get(meeting.url)).select_one("#delegation")
    text = " ".join(section.get_text().split())
    assert "2 seats per delegation" in text
    assert "per country" not in text
    assert "Your delegation has no one registered yet." in text
    assert section.select_one("form#delegate-add") is not None


@pytest.mark.django_db
def test_withdraw_button_moves_the_waiting_delegate_up(client, head_be, meeting):
    ann, _bob, _cid = (register(head_be, meeting, n) for n in ("Ann", "Bob", "Cid"))
    client.force_login(head_be)
    soup = soup_of(client.get(meeting.url))
    button = soup.find("button", string="Withdraw Ann")
    assert button.find_parent("form")["action"] == withdraw_url(ann)
    response = client.post(withdraw_url(ann), follow=True)
    soup = soup_of(response)
    statuses = [r.select_one(".status").get_text() for r in soup.select("tr.registration")]
    assert statuses == ["Confirmed", "Confirmed"]
    assert "Cid moved up from the waiting list." in soup.select_one(".messages").get_text()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": " ", "email": "a@example.eu", "attendance": "remote"}, "name"),
        ({"name": "Ann", "email": "not-an-address", "attendance": "remote"}, "email"),
        ({"name": "Ann", "email": "a@example.eu", "attendance": "by-pigeon"}, "attendance"),
    ],
)
def test_bad_input_shows_form_errors_and_saves_nothing(client, head_be, meeting, data, field):
    client.force_login(head_be)
    response = client.post(add_url(meeting), data)
    assert response.status_code == 400
    form = soup_of(response).select_one("form#delegate-add")
    error_field = form.select_one(".field--error")
    assert error_field.find(["input", "textarea", "ul"], attrs={"name": field}) or (
        error_field.find(attrs={"name": field}) is not None
    )
    assert error_field.select_one(".error") is not None
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_registration_after_deadline_is_a_form_error_on_the_page(client, head_be, meeting):
    MeetingPage.objects.filter(pk=meeting.pk).update(
        registration_deadline=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    client.force_login(head_be)
    soup = soup_of(client.get(meeting.url))
    assert soup.select_one("form#delegate-add") is None
    assert "Registration is closed." in soup.select_one("#delegation").get_text()
    response = client.post(
        add_url(meeting), {"name": "Ann", "email": "a@example.eu", "attendance": "remote"}
    )
    assert response.status_code == 400
    errors = soup_of(response).select_one(".form-errors").get_text()
    assert "Registration closed on 1 January 2020" in errors
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_bad_swap_shows_its_errors_and_keeps_the_delegate(client, head_be, meeting):
    ann = register(head_be, meeting, "Ann")
    register(head_be, meeting, "Bob")
    client.force_login(head_be)
    response = client.post(swap_url(ann), {"name": "Zoe", "email": "bob@example.eu"})
    assert response.status_code == 400
    row = soup_of(response).select_one(f"#registration-{ann.pk}")
    assert "already registered" in row.select_one(".field--error .error").get_text()
    ann.refresh_from_db()
    assert ann.name == "Ann"


@pytest.mark.django_db
def test_other_countries_registrations_are_404_and_non_heads_403(client, head_be, head_fr, meeting):
    ann = register(head_be, meeting, "Ann")
    client.force_login(head_fr)
    assert client.post(withdraw_url(ann)).status_code == 404
    assert client.post(swap_url(ann), {"name": "X", "email": "x@example.eu"}).status_code == 404
    client.force_login(user_in("BE", "officer"))
    data = {"name": "Bob", "email": "bob@example.eu", "attendance": "remote"}
    assert client.post(add_url(meeting), data).status_code == 403
    assert client.post(withdraw_url(ann)).status_code == 403
    assert states(meeting) == [("Ann", "confirmed", None)]
    assert soup_of(client.get(meeting.url)).select_one("#delegation") is None


@pytest.mark.django_db
def test_notes_are_shown_to_the_organisers_only(client, head_be, head_fr, meeting):
    register(head_be, meeting, "Ann", dietary_notes="Vegan", accessibility_notes="Step-free access")
    register(head_fr, meeting, "Fabien")
    client.force_login(head_fr)
    soup = soup_of(client.get(meeting.url))
    assert soup.select_one("#delegations") is None
    assert "Vegan" not in soup.get_text() and "Ann" not in soup.get_text()
    client.force_login(head_be)  # even the delegate's own head sees no overview
    assert soup_of(client.get(meeting.url)).select_one("#delegations") is None

    client.force_login(admin_user())
    soup = soup_of(client.get(meeting.url))
    overview = {
        row.th.get_text(): (
            row.select_one(".confirmed").get_text(),
            row.select_one(".waiting").get_text(),
        )
        for row in soup.select("#delegations .delegations-overview tbody tr")
    }
    assert overview == {"Belgium": ("1", "0"), "France": ("1", "0")}
    notes = [
        (r.select_one(".dietary").get_text(), r.select_one(".accessibility").get_text())
        for r in soup.select("#delegations tr.delegate")
    ]
    assert ("Vegan", "Step-free access") in notes


@pytest.mark.django_db
def test_meeting_page_with_delegations_has_a_bounded_query_count(
    client, head_be, head_fr, meeting, django_assert_max_num_queries, django_assert_num_queries
):
    register(head_be, meeting, "Be0")
    register(head_fr, meeting, "Fr0")
    organiser = admin_user()
    counts = {}
    # agenda, proposals, minutes and actions; +2 for the date poll and the online link's
    # registration check
    for user, bound in ((head_be, 35), (organiser, 31)):
        client.force_login(user)
        client.get(meeting.url)  # first visit of the session
        with django_assert_max_num_queries(bound) as captured:
            assert client.get(meeting.url).status_code == 200
        counts[user.pk] = len(captured)
    for i in range(1, 6):  # more delegates cost no more queries
        register(head_be, meeting, f"Be{i}")
        register(head_fr, meeting, f"Fr{i}")
    for user in (head_be, organiser):
        client.force_login(user)
        client.get(meeting.url)
        with django_assert_num_queries(counts[user.pk]):
            assert client.get(meeting.url).status_code == 200


# --- Concurrency ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_requests_for_the_last_seat_never_exceed_the_cap(head_be):
    """Threads with their own database connections, released together by a barrier, all
    try to take the last seat: exactly one gets it, the others go to the waiting list."""
    meeting = make_meeting()
    register(head_be, meeting, "Ann")  # one seat of two left
    other_head = user_in("BE", "head")
    actors = [head_be, other_head, head_be, other_head]
    barrier = threading.Barrier(len(actors))
    errors = []

    def race(index, actor):
        try:
            barrier.wait(5)
            for _attempt in range(200):
                try:
                    register(actor, meeting, f"Racer {index}")
                    return
                except OperationalError:  # shared-cache SQLite: the table is locked, retry
                    threading.Event().wait(0.01)
            errors.append("gave up")
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(i, a)) for i, a in enumerate(actors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    confirmed = Registration.objects.filter(meeting=meeting, status="confirmed").count()
    waiting = sorted(
        Registration.objects.filter(meeting=meeting, status="waiting").values_list(
            "position", flat=True
        )
    )
    assert confirmed == 2
    assert waiting == [1, 2, 3]
