"""The agenda: ordered items with slots in the meeting's time zone, presenters, agencies and
documents, written by the Presidency only; agencies concerned are invited (and their
representatives register their own delegates); a raised cap moves waiting delegates up;
open action items of earlier meetings are carried. The page's queries do not grow with
the agenda."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.documents import get_document_model

from meetings.models import AgencyInvitation, AgendaItem, AgendaProposal, Registration
from meetings.services import (
    action_item_create,
    agenda_item_create,
    agenda_item_delete,
    agenda_item_move,
    agenda_item_update,
    meeting_delegate_cap_change,
    proposal_accept,
    proposal_create,
    registration_withdraw,
)
from portal.models import Country
from tests.factories import user_in
from tests.helpers import soup_of
from tests.meetings.agenda_helpers import BEFORE, agency, agency_user, dublin
from tests.meetings.factories import register

pytestmark = pytest.mark.django_db
QUERY_BOUND = 40  # 39 for a head, 37 for the Presidency at the time of writing


def add_item(actor, meeting, title="Item", **extra):
    return agenda_item_create(actor=actor, meeting=meeting, title=title, **extra)


def titles(meeting):
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .order_by("position")
        .values_list("position", "title")
    )


# --- Services -----------------------------------------------------------------------------


def test_items_go_to_the_end_in_order(presidency, meeting):
    for title in ("Opening", "SIENA", "AOB"):
        add_item(presidency, meeting, title)
    assert titles(meeting) == [(1, "Opening"), (2, "SIENA"), (3, "AOB")]


def test_only_the_presidency_writes_the_agenda(head_be, europol_user, presidency, meeting):
    item = add_item(presidency, meeting)
    for actor in (head_be, europol_user, user_in("IE", "officer")):
        with pytest.raises(PermissionDenied):
            add_item(actor, meeting)
        with pytest.raises(PermissionDenied):
            agenda_item_update(actor=actor, item=item, title="Hacked")
        with pytest.raises(PermissionDenied):
            agenda_item_move(actor=actor, item=item, direction="down")
        with pytest.raises(PermissionDenied):
            agenda_item_delete(actor=actor, item=item)
    assert titles(meeting) == [(1, "Item")]


def test_slot_in_the_meetings_time_zone_within_the_meeting(presidency, meeting):
    item = add_item(presidency, meeting, starts_at=dublin(3, 10), ends_at=dublin(3, 11, 30))
    item.refresh_from_db()
    assert timezone.localtime(item.starts_at, meeting.tzinfo).hour == 10
    with pytest.raises(ValidationError, match="within the meeting"):
        add_item(presidency, meeting, starts_at=dublin(3, 8), ends_at=dublin(3, 10))
    with pytest.raises(ValidationError, match="end by the end"):
        add_item(presidency, meeting, starts_at=dublin(4, 12), ends_at=dublin(4, 14))
    with pytest.raises(ValidationError, match="end after it starts"):
        add_item(presidency, meeting, starts_at=dublin(3, 11), ends_at=dublin(3, 10))
    with pytest.raises(ValidationError, match="start of the slot"):
        add_item(presidency, meeting, ends_at=dublin(3, 10))
    assert AgendaItem.objects.count() == 1


def test_one_presenter_and_agencies_only(presidency, meeting):
    with pytest.raises(ValidationError, match="not both"):
        add_item(
            presidency,
            meeting,
            presenter_country=Country.objects.get(code="BE"),
            presenter_organisation=agency("europol"),
        )
    with pytest.raises(ValidationError):
        add_item(presidency, meeting, agencies=[agency("spoc-be")])
    assert not AgendaItem.objects.exists()


def test_update_keeps_unchanged_fields(presidency, meeting):
    item = add_item(presidency, meeting, title="Old", kind="best_practices")
    agenda_item_update(actor=presidency, item=item, title="New")
    item.refresh_from_db()
    assert (item.title, item.kind) == ("New", "best_practices")


def test_documents_are_linked(presidency, meeting):
    from django.core.files.base import ContentFile

    document = get_document_model().objects.create(
        title="Draft conclusions", file=ContentFile(b"%PDF-1.4", name="draft.pdf")
    )
    item = add_item(presidency, meeting, documents=[document])
    assert list(item.documents.all()) == [document]


def test_move_up_and_down_and_stop_at_the_ends(presidency, meeting):
    a, b, c = (add_item(presidency, meeting, t) for t in "ABC")
    agenda_item_move(actor=presidency, item=c, direction="up")
    assert [t for _, t in titles(meeting)] == ["A", "C", "B"]
    agenda_item_move(actor=presidency, item=a, direction="up")  # already first
    agenda_item_move(actor=presidency, item=a, direction="down")
    assert [t for _, t in titles(meeting)] == ["C", "A", "B"]
    with pytest.raises(ValidationError):
        agenda_item_move(actor=presidency, item=a, direction="sideways")


def test_delete_renumbers_and_reopens_the_proposal(head_be, presidency, meeting):
    add_item(presidency, meeting, "A")
    proposal = proposal_create(actor=head_be, meeting=meeting, title="B", kind="other", now=BEFORE)
    item = proposal_accept(actor=presidency, proposal=proposal)
    add_item(presidency, meeting, "C")
    agenda_item_delete(actor=presidency, item=item)
    assert titles(meeting) == [(1, "A"), (2, "C")]
    proposal.refresh_from_db()
    assert proposal.status == AgendaProposal.Status.PROPOSED


def test_invitations_follow_the_agenda(presidency, meeting):
    europol, frontex = agency("europol"), agency("frontex")
    first = add_item(presidency, meeting, "A", agencies=[europol])
    second = add_item(presidency, meeting, "B", agencies=[europol, frontex])
    invited = {i.organisation.slug: i.agenda_item_id for i in AgencyInvitation.objects.all()}
    assert invited == {"europol": first.pk, "frontex": second.pk}
    # Frontex no longer concerned, never notified: its invitation goes.
    agenda_item_update(actor=presidency, item=second, agencies=[europol])
    assert set(AgencyInvitation.objects.values_list("organisation__slug", flat=True)) == {"europol"}
    # Europol was notified: removing every item that concerns it keeps the invitation.
    AgencyInvitation.objects.update(notified_at=timezone.now())
    agenda_item_delete(actor=presidency, item=first)
    agenda_item_delete(actor=presidency, item=AgendaItem.objects.get(pk=second.pk))
    invitation = AgencyInvitation.objects.get()
    assert invitation.organisation == europol
    assert invitation.agenda_item is None


def test_invitation_email_goes_once(
    presidency, europol_user, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add_item(presidency, meeting, "A", agencies=[agency("europol")])
    with django_capture_on_commit_callbacks(execute=True):
        add_item(presidency, meeting, "B", agencies=[agency("europol")])
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [europol_user.email]
    assert "A" in mailoutbox[0].body


# --- Agency delegations and the cap -------------------------------------------------------



def test_invited_agency_registers_its_own_delegates(presidency, europol_user, meeting):
    with pytest.raises(PermissionDenied):
        register(europol_user, meeting, "Early", attendance="remote", now=BEFORE)  # not invited yet
    add_item(presidency, meeting, "A", agencies=[agency("europol")])
    states = [
        register(europol_user, meeting, n, attendance="remote", now=BEFORE).status
        for n in ("Ann", "Bob", "Cid")
    ]
    assert states == ["confirmed", "confirmed", "waiting"]
    assert set(Registration.objects.values_list("organisation__slug", flat=True)) == {"europol"}
    # Another agency's representative cannot touch Europol's delegation.
    add_item(presidency, meeting, "B", agencies=[agency("frontex")])
    frontex_user = agency_user("frontex")
    with pytest.raises(PermissionDenied):
        registration_withdraw(actor=frontex_user, registration=Registration.objects.first())
    promoted = registration_withdraw(
        actor=europol_user, registration=Registration.objects.get(name="Ann")
    )
    assert promoted.name == "Cid"


def test_agency_delegation_on_the_page(client, presidency, europol_user, meeting):
    add_item(presidency, meeting, "A", agencies=[agency("europol")])
    client.force_login(europol_user)
    with time_machine.travel(BEFORE):
        assert soup_of(client.get(meeting.url)).select_one("form#delegate-add") is not None
        response = client.post(
            f"/meetings/{meeting.pk}/delegates/",
            {"name": "Eve", "email": "eve@europol.example.eu", "attendance": "remote"},
        )
    assert response.status_code == 302
    assert Registration.objects.get().organisation.slug == "europol"


def test_uninvited_agency_gets_403(client, meeting):
    client.force_login(agency_user("frontex"))
    response = client.post(
        f"/meetings/{meeting.pk}/delegates/",
        {"name": "Eve", "email": "eve@example.eu", "attendance": "remote"},
    )
    assert response.status_code == 403


def test_raising_the_cap_moves_waiting_delegates_up(head_be, head_de, meeting):
    for name in ("Ann", "Bob", "Cid", "Dee", "Eve"):
        register(head_be, meeting, name, attendance="remote", now=BEFORE)
    register(head_de, meeting, "Fritz", attendance="remote", now=BEFORE)
    meeting.delegates_per_country = 3
    meeting.save(update_fields=["delegates_per_country"])
    promoted = meeting_delegate_cap_change(meeting=meeting)
    assert [r.name for r in promoted] == ["Cid"]
    rows = Registration.objects.filter(country__code="BE").order_by("status", "position")
    assert [(r.name, r.status, r.position) for r in rows] == [
        ("Ann", "confirmed", None),
        ("Bob", "confirmed", None),
        ("Cid", "confirmed", None),
        ("Dee", "waiting", 1),
        ("Eve", "waiting", 2),
    ]


def test_publishing_a_raised_cap_fills_the_seats(head_be, meeting):
    for name in ("Ann", "Bob", "Cid"):
        register(head_be, meeting, name, attendance="remote", now=BEFORE)
    page = meeting.get_latest_revision_as_object()
    page.delegates_per_country = 4
    page.save_revision().publish()
    assert Registration.objects.filter(status="waiting").count() == 0


# --- Carried action items -----------------------------------------------------------------


def test_open_actions_of_earlier_meetings_are_carried(
    client, presidency, officer_be, past_meeting, meeting
):
    belgium = Country.objects.get(code="BE")
    open_one = action_item_create(
        actor=presidency, meeting=past_meeting, title="Share the template", owner_country=belgium
    )
    done = action_item_create(
        actor=presidency, meeting=past_meeting, title="Done already", owner_country=belgium
    )
    done.status, done.closed_at = "done", timezone.now()
    done.save()
    action_item_create(
        actor=presidency, meeting=meeting, title="Later action", owner_country=belgium
    )
    client.force_login(officer_be)
    carried = soup_of(client.get(meeting.url)).select("#follow-up .carried-action")
    assert [c.contents[0].strip() for c in carried] == [open_one.title]
    # Not carried backwards onto the earlier meeting itself.
    assert soup_of(client.get(past_meeting.url)).select("#follow-up") == []


# --- Views --------------------------------------------------------------------------------


@time_machine.travel(BEFORE)
def test_presidency_adds_an_item_with_a_local_slot(client, presidency, meeting):
    client.force_login(presidency)
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/",
        {
            "title": "SIENA data quality",
            "kind": "workflow",
            "starts_at": "2026-12-03T10:00",
            "ends_at": "2026-12-03T11:00",
            "presenter_organisation": agency("europol").pk,
            "agencies": [agency("europol").pk],
        },
    )
    assert response.status_code == 302
    item = AgendaItem.objects.get()
    assert item.starts_at == dublin(3, 10)
    soup = soup_of(client.get(meeting.url))
    row = soup.select_one(f"#agenda-item-{item.pk}")
    assert "10:00–11:00 (Europe/Dublin)" in row.select_one(".slot").text
    assert row.select_one(".presenter").text.startswith("European Union Agency")
    assert (
        "European Union Agency for Law Enforcement Cooperation"
        in soup.select_one("#agency-invitations").text
    )


@time_machine.travel(BEFORE)
def test_slot_outside_the_meeting_rerenders_with_the_error(client, presidency, meeting):
    client.force_login(presidency)
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/",
        {"title": "Too early", "kind": "other", "starts_at": "2026-12-01T10:00"},
    )
    assert response.status_code == 400
    assert "within the meeting" in soup_of(response).select_one("form#agenda-item-add").text
    # The add form has its own page.
    page = soup_of(client.get(f"/meetings/{meeting.pk}/agenda/"))
    assert page.select_one("form#agenda-item-add input[name=title]") is not None
    assert not AgendaItem.objects.exists()


def test_edit_move_delete_through_the_page(client, presidency, meeting):
    a = add_item(presidency, meeting, "A")
    b = add_item(presidency, meeting, "B")
    client.force_login(presidency)
    edit = f"/meetings/{meeting.pk}/agenda/{a.pk}/edit/"
    form = soup_of(client.get(edit)).select_one("form#agenda-item-edit")
    assert form.select_one("input[name=title]")["value"] == "A"
    assert client.post(edit, {"title": "A2", "kind": "other"}).status_code == 302
    client.post(f"/meetings/{meeting.pk}/agenda/{b.pk}/move/", {"direction": "up"})
    assert titles(meeting) == [(1, "B"), (2, "A2")]
    client.post(f"/meetings/{meeting.pk}/agenda/{b.pk}/delete/")
    assert titles(meeting) == [(1, "A2")]


def test_heads_and_officers_cannot_write_the_agenda(client, head_be, presidency, meeting):
    item = add_item(presidency, meeting, "A")
    client.force_login(head_be)
    soup = soup_of(client.get(meeting.url))
    assert soup.select_one("#agenda-item-add-link") is None
    assert soup.select_one(".agenda-controls") is None
    base = f"/meetings/{meeting.pk}/agenda/"
    assert client.get(base).status_code == 403
    assert client.post(base, {"title": "X", "kind": "other"}).status_code == 403
    assert client.get(f"{base}{item.pk}/edit/").status_code == 403
    assert client.post(f"{base}{item.pk}/move/", {"direction": "down"}).status_code == 403
    assert client.post(f"{base}{item.pk}/delete/").status_code == 403
    assert titles(meeting) == [(1, "A")]


def test_item_of_another_meeting_is_404(client, presidency, meeting, past_meeting):
    item = add_item(presidency, meeting, "A")
    client.force_login(presidency)
    assert client.post(f"/meetings/{past_meeting.pk}/agenda/{item.pk}/delete/").status_code == 404
    assert client.post("/meetings/999999/agenda/").status_code == 404


@time_machine.travel(BEFORE)
@pytest.mark.parametrize("who", ["presidency", "head"])
def test_meeting_page_queries_do_not_grow_with_the_agenda(
    client, who, presidency, head_be, head_de, meeting, past_meeting, django_assert_max_num_queries
):
    belgium = Country.objects.get(code="BE")
    user = presidency if who == "presidency" else head_be
    client.force_login(user)

    def grow_to(n):
        while AgendaItem.objects.filter(meeting=meeting).count() < n:
            i = AgendaItem.objects.filter(meeting=meeting).count()
            add_item(presidency, meeting, f"Item {i}", agencies=[agency("europol")])
            proposal = proposal_create(
                actor=head_de,
                meeting=meeting,
                title=f"Topic {i}",
                kind="other",
                agencies=[agency("cepol")],
                now=BEFORE,
            )
            from meetings.services import proposal_support

            proposal_support(actor=user_in("FR", "head"), proposal=proposal, now=BEFORE)
            action_item_create(
                actor=presidency, meeting=past_meeting, title=f"Action {i}", owner_country=belgium
            )
            action_item_create(
                actor=presidency, meeting=meeting, title=f"Now {i}", owner_country=belgium
            )

    counts = []
    for n in (2, 10):
        grow_to(n)
        client.get(meeting.url)  # warm caches
        with django_assert_max_num_queries(QUERY_BOUND) as captured:
            response = client.get(meeting.url)
        assert response.status_code == 200
        assert len(soup_of(response).select(".agenda-item")) == n
        counts.append(len(captured))
    assert counts[1] == counts[0]


# --- API ----------------------------------------------------------------------------------


def test_api_detail_gives_the_agenda_carried_actions_and_proposals(
    client, presidency, head_be, officer_be, meeting, past_meeting
):
    from django.core.files.base import ContentFile

    document = get_document_model().objects.create(
        title="Draft conclusions", file=ContentFile(b"%PDF-1.4", name="draft.pdf")
    )
    add_item(
        presidency,
        meeting,
        "SIENA",
        kind="workflow",
        starts_at=dublin(3, 10),
        ends_at=dublin(3, 11),
        presenter_organisation=agency("europol"),
        agencies=[agency("europol")],
        documents=[document],
    )
    add_item(presidency, meeting, "AOB", presenter_country=Country.objects.get(code="BE"))
    proposal_create(actor=head_be, meeting=meeting, title="Topic", kind="other", now=BEFORE)
    action_item_create(
        actor=presidency,
        meeting=past_meeting,
        title="Share the template",
        owner_country=Country.objects.get(code="BE"),
    )
    client.force_login(officer_be)
    data = client.get(f"/api/v1/meetings/{meeting.pk}").json()
    first, second = data["agenda"]
    assert first["position"] == 1 and first["title"] == "SIENA"
    assert first["starts_at"] == "2026-12-03T10:00:00Z"
    assert first["presenter"] == {
        "kind": "agency",
        "code": "europol",
        "name": "European Union Agency for Law Enforcement Cooperation",
    }
    assert [a["code"] for a in first["agencies"]] == ["europol"]
    assert first["documents"][0]["title"] == "Draft conclusions"
    assert first["documents"][0]["url"].startswith("http://testserver/")
    assert second["presenter"]["code"] == "BE" and second["starts_at"] is None
    assert data["proposals_count"] == 1
    (carried,) = data["actions_carried"]
    assert carried["title"] == "Share the template"
    assert carried["owner"]["code"] == "BE"
    assert carried["meeting_id"] == past_meeting.pk


def test_api_detail_404_json_and_schema(client, officer_be, meeting):
    from meetings.services import meeting_update

    client.force_login(officer_be)
    draft = meeting_update(meeting=meeting, publish=False, title="x")  # still live
    assert client.get(f"/api/v1/meetings/{draft.pk}").status_code == 200
    meeting.unpublish()
    response = client.get(f"/api/v1/meetings/{meeting.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    schema = client.get("/api/v1/openapi.json").json()
    detail = schema["components"]["schemas"]["MeetingDetailOut"]["properties"]
    assert {"agenda", "actions_carried", "proposals_count"} <= set(detail)
    assert "AgendaItemOut" in schema["components"]["schemas"]
