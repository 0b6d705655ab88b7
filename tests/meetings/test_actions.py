"""Action items: added by the Presidency with an owner country or agency; the owner and the
Presidency move them on (closing records when); the network-wide list filters by status,
owner and overdue, with a bounded number of queries."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.models import ActionItem
from meetings.services import action_item_create, action_item_set_status, agenda_item_create
from portal.models import Country
from tests.factories import user_in
from tests.helpers import assert_admin_permission_denied, soup_of
from tests.meetings.agenda_helpers import AFTER, agency, agency_user

pytestmark = pytest.mark.django_db


def country(code):
    return Country.objects.get(code=code)


def act(actor, meeting, title="Share the template", **extra):
    extra.setdefault("owner_country", country("BE"))
    return action_item_create(actor=actor, meeting=meeting, title=title, **extra)


# --- Services -----------------------------------------------------------------------------


def test_presidency_adds_with_one_owner(presidency, meeting):
    item = agenda_item_create(actor=presidency, meeting=meeting, title="SIENA")
    action = act(presidency, meeting, due_date=datetime.date(2027, 3, 1), agenda_item=item)
    assert (action.owner, action.status, action.closed_at) == (country("BE"), "open", None)
    with pytest.raises(ValidationError, match="one country or one agency"):
        act(presidency, meeting, owner_organisation=agency("europol"))
    with pytest.raises(ValidationError, match="one country or one agency"):
        act(presidency, meeting, owner_country=None)
    with pytest.raises(ValidationError):
        act(presidency, meeting, owner_country=None, owner_organisation=agency("spoc-de"))


def test_agenda_item_of_another_meeting_is_refused(presidency, meeting, past_meeting):
    other = agenda_item_create(actor=presidency, meeting=past_meeting, title="Old")
    with pytest.raises(ValidationError):
        act(presidency, meeting, agenda_item=other)


def test_only_the_presidency_adds(head_be, meeting):
    with pytest.raises(PermissionDenied):
        act(head_be, meeting)


def test_owners_and_presidency_update_status(presidency, head_be, head_de, meeting):
    action = act(presidency, meeting)
    with pytest.raises(PermissionDenied):
        action_item_set_status(actor=head_de, action=action, status="done")
    with pytest.raises(PermissionDenied):
        action_item_set_status(actor=user_in("BE", "officer"), action=action, status="done")
    action_item_set_status(actor=head_be, action=action, status="in_progress", note="Drafting")
    action = action_item_set_status(actor=head_be, action=action, status="done", now=AFTER)
    assert (action.status, action.closed_at, action.status_note) == ("done", AFTER, "Drafting")
    action = action_item_set_status(actor=presidency, action=action, status="open")
    assert action.closed_at is None


def test_agency_owner_updates(presidency, europol_user, meeting):
    action = act(presidency, meeting, owner_country=None, owner_organisation=agency("europol"))
    with pytest.raises(PermissionDenied):
        action_item_set_status(actor=agency_user("frontex"), action=action, status="done")
    assert action_item_set_status(actor=europol_user, action=action, status="done").closed_at


def test_dropping_needs_a_note_and_unknown_status_is_refused(presidency, meeting):
    action = act(presidency, meeting)
    with pytest.raises(ValidationError):
        action_item_set_status(actor=presidency, action=action, status="dropped")
    with pytest.raises(ValidationError):
        action_item_set_status(actor=presidency, action=action, status="forgotten")
    action = action_item_set_status(
        actor=presidency, action=action, status="dropped", note="Superseded"
    )
    assert action.closed_at is not None


# --- Views --------------------------------------------------------------------------------


def test_presidency_adds_through_the_page(client, presidency, meeting):
    client.force_login(presidency)
    response = client.post(
        f"/meetings/{meeting.pk}/actions/",
        {"title": "Circulate the guide", "owner_organisation": agency("cepol").pk},
    )
    assert response.status_code == 302
    soup = soup_of(client.get(meeting.url))
    assert soup.select_one("#actions .owner").text.startswith("European Union Agency")


def test_bad_action_rerenders_and_forged_action_is_403(client, presidency, head_be, meeting):
    client.force_login(presidency)
    response = client.post(f"/meetings/{meeting.pk}/actions/", {"title": "No owner"})
    assert response.status_code == 400
    assert "one country or one agency" in soup_of(response).select_one("#action-add").text
    client.force_login(head_be)
    forged = {"title": "Forged", "owner_country": country("BE").pk}
    assert client.post(f"/meetings/{meeting.pk}/actions/", forged).status_code == 403
    assert not ActionItem.objects.exists()


def test_owner_updates_status_on_the_page_others_get_403(
    client, presidency, head_be, head_de, meeting
):
    action = act(presidency, meeting)
    url = f"/meetings/actions/{action.pk}/status/"
    client.force_login(head_de)
    assert soup_of(client.get(meeting.url)).select_one(f"#action-{action.pk} form") is None
    assert client.post(url, {"status": "done"}).status_code == 403
    client.force_login(head_be)
    assert soup_of(client.get(meeting.url)).select_one(f"#action-{action.pk} form") is not None
    response = client.post(url, {"status": "done", "note": "Sent", "next": "list"})
    assert response.status_code == 302 and response["Location"] == "/meetings/actions/"
    action.refresh_from_db()
    assert action.status == "done" and action.closed_at is not None


def test_unknown_action_is_404(client, head_be):
    client.force_login(head_be)
    assert client.post("/meetings/actions/999999/status/", {"status": "done"}).status_code == 404


@time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC))
def test_network_list_filters(client, officer_be, presidency, meeting, past_meeting):
    late = act(presidency, past_meeting, "Late one", due_date=datetime.date(2027, 1, 1))
    act(presidency, meeting, "Not due", due_date=datetime.date(2027, 6, 1))
    act(presidency, meeting, "Agency one", owner_country=None, owner_organisation=agency("europol"))
    closed = act(presidency, meeting, "Closed")
    action_item_set_status(actor=presidency, action=closed, status="done")
    client.force_login(officer_be)

    def shown(query=""):
        soup = soup_of(client.get("/meetings/actions/" + query))
        return {row.select_one("td").contents[0].strip() for row in soup.select("tr.action")}

    assert shown() == {"Late one", "Not due", "Agency one"}
    assert shown("?status=done") == {"Closed"}
    assert shown("?status=all") == {"Late one", "Not due", "Agency one", "Closed"}
    assert shown("?overdue=on") == {"Late one"}
    assert shown(f"?owner=o{agency('europol').pk}") == {"Agency one"}
    assert shown(f"?owner=c{country('BE').pk}") == {"Late one", "Not due"}
    soup = soup_of(client.get("/meetings/actions/"))
    assert soup.select_one(f"#action-{late.pk} .overdue-flag") is not None
    assert soup.select("tr.action form") == []  # an officer updates nothing


def test_network_list_queries_are_bounded(
    client, presidency, head_be, meeting, django_assert_max_num_queries
):
    client.force_login(head_be)
    counts = []
    for n in (2, 12):
        while ActionItem.objects.count() < n:
            act(presidency, meeting, f"A{ActionItem.objects.count()}")
        client.get("/meetings/actions/")
        with django_assert_max_num_queries(40) as captured:
            response = client.get("/meetings/actions/")
        assert len(soup_of(response).select("tr.action")) == n
        counts.append(len(captured))
    assert counts[0] == counts[1]


# --- Demo data ----------------------------------------------------------------------------


def test_demo_seeder_adds_agenda_minutes_and_actions_idempotently(client):
    from meetings.models import AgendaItem, AgendaProposal, MeetingPage, Minutes
    from portal.demo import run_seeders

    run_seeders()
    run_seeders()
    dublin = MeetingPage.objects.get(slug="heads-of-spoc-dublin-2026")
    nicosia = MeetingPage.objects.get(slug="heads-of-spoc-nicosia-2026")
    assert AgendaProposal.objects.filter(meeting=dublin).count() == 2
    assert [i.title for i in AgendaItem.objects.filter(meeting=dublin)][-1].startswith(
        "Data quality of SIENA"
    )
    minutes = Minutes.objects.get(meeting=nicosia)
    assert minutes.is_approved and minutes.approved_version.number == 2
    assert ActionItem.objects.filter(meeting=nicosia).count() == 2
    client.force_login(user_in("FR", "officer"))
    soup = soup_of(client.get(dublin.url))
    assert [c.contents[0].strip() for c in soup.select("#follow-up .carried-action")] == [
        "Circulate a SIENA message checklist"
    ]
    assert soup.select_one("#agency-invitations") is not None


# --- Admin listings -----------------------------------------------------------------------


def test_admin_lists_proposals_and_actions_read_only(client, presidency, head_be, meeting):
    from meetings.services import proposal_create
    from tests.meetings.agenda_helpers import BEFORE

    act(presidency, meeting, "Visible action")
    proposal_create(actor=head_be, meeting=meeting, title="Visible topic", kind="other", now=BEFORE)
    client.force_login(presidency)
    response = client.get("/admin/meetings/actions/?status=open")
    assert response.status_code == 200
    assert "Visible action" in response.content.decode()
    response = client.get("/admin/meetings/proposals/?status=proposed")
    assert response.status_code == 200
    assert "Visible topic" in response.content.decode()
    assert_admin_permission_denied(client.get("/admin/meetings/actions/new/"))
    action = ActionItem.objects.get()
    assert_admin_permission_denied(client.get(f"/admin/meetings/actions/delete/{action.pk}/"))
    ActionItem.objects.get(pk=action.pk)
    client.force_login(user_in("IE", "editor"))
    assert_admin_permission_denied(client.get("/admin/meetings/actions/"))
