"""Agenda-topic proposals: heads and agencies propose for a coming meeting, other countries'
heads support (once per country, never their own), the proposer withdraws, the Presidency
accepts into the draft agenda or declines with a reason."""

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from meetings.models import AgencyInvitation, AgendaItem, AgendaProposal, ProposalSupport
from meetings.services import (
    proposal_accept,
    proposal_create,
    proposal_decline,
    proposal_support,
    proposal_withdraw,
)
from tests.factories import user_in
from tests.helpers import soup_of
from tests.meetings.agenda_helpers import BEFORE, agency, agency_user
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.django_db


def propose(actor, meeting, title="Data quality in SIENA", **extra):
    values = {"kind": "workflow", "description": "Why it matters."}
    values.update(extra)
    return proposal_create(actor=actor, meeting=meeting, title=title, now=BEFORE, **values)


# --- Services -----------------------------------------------------------------------------


def test_head_proposes_for_their_country(head_be, meeting):
    proposal = propose(head_be, meeting, agencies=[agency("europol")])
    assert proposal.country.code == "BE"
    assert proposal.organisation is None
    assert proposal.status == "proposed"
    assert [a.slug for a in proposal.agencies.all()] == ["europol"]


def test_agency_user_proposes_for_their_agency(europol_user, meeting):
    proposal = propose(europol_user, meeting)
    assert proposal.organisation.slug == "europol"
    assert proposal.country is None


@pytest.mark.parametrize("roles", [("officer",), ("presidency",), ("agency",)])
def test_others_cannot_propose(meeting, roles):
    # An officer, the Presidency, and an "agency" role holder of a national SPOC.
    with pytest.raises(PermissionDenied):
        propose(user_in("BE", *roles), meeting)
    assert not AgendaProposal.objects.exists()


def test_agency_organisation_without_the_role_cannot_propose(meeting):
    with pytest.raises(PermissionDenied):
        propose(agency_user("frontex", roles=["officer"]), meeting)


def test_no_proposal_for_a_held_meeting(head_be, past_meeting):
    with pytest.raises(ValidationError, match="held"):
        propose(head_be, past_meeting)


def test_no_proposal_for_a_cancelled_meeting(head_be):
    cancelled = make_meeting(status="cancelled")
    with pytest.raises(ValidationError, match="cancelled"):
        propose(head_be, cancelled)


def test_no_proposal_once_the_meeting_started(head_be, meeting):
    with pytest.raises(ValidationError, match="started"):
        proposal_create(
            actor=head_be, meeting=meeting, title="Late", kind="other", now=meeting.start
        )


def test_bad_title_kind_or_agency_are_refused(head_be, meeting):
    with pytest.raises(ValidationError):
        propose(head_be, meeting, title="   ")
    with pytest.raises(ValidationError):
        propose(head_be, meeting, kind="gossip")
    with pytest.raises(ValidationError):
        propose(head_be, meeting, agencies=[agency("spoc-de")])
    assert not AgendaProposal.objects.exists()


def test_support_once_per_other_country(head_be, head_de, head_fr, meeting):
    proposal = propose(head_be, meeting)
    proposal_support(actor=head_de, proposal=proposal, now=BEFORE)
    proposal_support(actor=head_fr, proposal=proposal, now=BEFORE)
    with pytest.raises(ValidationError, match="already supports"):
        proposal_support(actor=user_in("DE", "head"), proposal=proposal, now=BEFORE)
    assert sorted(s.country.code for s in proposal.supports.all()) == ["DE", "FR"]


def test_own_country_cannot_support(head_be, meeting):
    proposal = propose(head_be, meeting)
    with pytest.raises(ValidationError, match="Your country made this proposal"):
        proposal_support(actor=user_in("BE", "head"), proposal=proposal, now=BEFORE)
    assert not ProposalSupport.objects.exists()


def test_only_heads_support(europol_user, head_be, meeting):
    proposal = propose(head_be, meeting)
    for actor in (europol_user, user_in("DE", "officer"), user_in("IE", "presidency")):
        with pytest.raises(PermissionDenied):
            proposal_support(actor=actor, proposal=proposal, now=BEFORE)


def test_an_agency_proposal_can_be_supported_by_any_head(europol_user, head_be, meeting):
    proposal = propose(europol_user, meeting)
    proposal_support(actor=head_be, proposal=proposal, now=BEFORE)
    assert proposal.supports.count() == 1


def test_withdraw_by_the_proposer_only_while_proposed(head_be, head_de, presidency, meeting):
    proposal = propose(head_be, meeting)
    with pytest.raises(PermissionDenied):
        proposal_withdraw(actor=head_de, proposal=proposal)
    # Another head of the same country may withdraw the country's proposal.
    proposal_withdraw(actor=user_in("BE", "head"), proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"
    with pytest.raises(ValidationError):
        proposal_support(actor=head_de, proposal=proposal, now=BEFORE)
    with pytest.raises(ValidationError):
        proposal_accept(actor=presidency, proposal=proposal)


def test_accept_creates_the_item_at_the_end_and_invites_agencies(
    head_be, europol_user, presidency, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    agency_user("frontex", roles=["officer"])  # not a representative: no email
    first = propose(head_be, meeting, title="First")
    second = propose(europol_user, meeting, title="Second", agencies=[agency("europol")])
    proposal_accept(actor=presidency, proposal=first)
    with django_capture_on_commit_callbacks(execute=True):
        item = proposal_accept(actor=presidency, proposal=second)
    assert item.position == 2
    assert item.title == "Second"
    assert item.kind == "workflow"
    assert item.presenter_organisation.slug == "europol"
    assert item.proposal == second
    assert [a.slug for a in item.agencies.all()] == ["europol"]
    second.refresh_from_db()
    assert second.status == "accepted"
    invitation = AgencyInvitation.objects.get(meeting=meeting)
    assert invitation.organisation.slug == "europol"
    assert invitation.agenda_item == item
    assert invitation.notified_at is not None
    assert [m.to for m in mailoutbox] == [[europol_user.email]]
    assert meeting.title in mailoutbox[0].subject
    with pytest.raises(ValidationError, match="already accepted"):
        proposal_accept(actor=presidency, proposal=second)


def test_only_the_presidency_accepts_or_declines(head_be, head_de, meeting):
    proposal = propose(head_be, meeting)
    for actor in (head_de, user_in("IE", "officer")):
        with pytest.raises(PermissionDenied):
            proposal_accept(actor=actor, proposal=proposal)
        with pytest.raises(PermissionDenied):
            proposal_decline(actor=actor, proposal=proposal, note="No")
    assert not AgendaItem.objects.exists()


def test_decline_needs_a_reason(head_be, presidency, meeting):
    proposal = propose(head_be, meeting)
    with pytest.raises(ValidationError):
        proposal_decline(actor=presidency, proposal=proposal, note=" ")
    proposal_decline(actor=presidency, proposal=proposal, note="Covered in May.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == ("declined", "Covered in May.")


# --- Views --------------------------------------------------------------------------------


def url(meeting, proposal=None, action=""):
    base = f"/meetings/{meeting.pk}/proposals/"
    return f"{base}{proposal.pk}/{action}/" if proposal else base


@time_machine.travel(BEFORE)
def test_head_proposes_through_the_page(client, head_be, meeting):
    client.force_login(head_be)
    soup = soup_of(client.get(meeting.url))
    assert soup.select_one("form#proposal-add") is not None
    response = client.post(
        url(meeting),
        {"title": "Case management", "kind": "best_practices", "agencies": [agency("cepol").pk]},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#proposals")
    proposal = AgendaProposal.objects.get()
    assert proposal.country.code == "BE"


@time_machine.travel(BEFORE)
def test_invalid_proposal_rerenders_with_errors(client, head_be, meeting):
    client.force_login(head_be)
    response = client.post(url(meeting), {"title": "", "kind": "nonsense"})
    assert response.status_code == 400
    soup = soup_of(response)
    assert soup.select("form#proposal-add .error")
    assert not AgendaProposal.objects.exists()


@time_machine.travel(BEFORE)
def test_forged_proposal_by_an_officer_is_forbidden(client, officer_be, meeting):
    client.force_login(officer_be)
    assert soup_of(client.get(meeting.url)).select_one("form#proposal-add") is None
    response = client.post(url(meeting), {"title": "Forged", "kind": "other"})
    assert response.status_code == 403
    assert not AgendaProposal.objects.exists()


@time_machine.travel(BEFORE)
def test_support_and_counts_on_the_page(client, head_be, head_de, head_fr, officer_be, meeting):
    proposal = propose(head_be, meeting)
    client.force_login(head_de)
    soup = soup_of(client.get(meeting.url))
    assert soup.select_one(f"form[action='{url(meeting, proposal, 'support')}']") is not None
    assert client.post(url(meeting, proposal, "support")).status_code == 302
    client.force_login(head_fr)
    client.post(url(meeting, proposal, "support"))
    client.force_login(officer_be)
    soup = soup_of(client.get(meeting.url))
    row = soup.select_one(f"#proposal-{proposal.pk}")
    assert row.select_one(".support-count").text == "2"
    assert "France" in row.text and "Germany" in row.text
    assert row.select_one("form") is None  # an officer only reads


@time_machine.travel(BEFORE)
def test_own_country_sees_no_support_button(client, head_be, meeting):
    proposal = propose(head_be, meeting)
    client.force_login(user_in("BE", "head"))
    soup = soup_of(client.get(meeting.url))
    assert soup.select_one(f"form[action='{url(meeting, proposal, 'support')}']") is None
    client.post(url(meeting, proposal, "support"))
    assert not ProposalSupport.objects.exists()


@time_machine.travel(BEFORE)
def test_presidency_accepts_and_declines_through_the_page(client, head_be, presidency, meeting):
    accepted = propose(head_be, meeting, title="Accepted topic")
    declined = propose(head_be, meeting, title="Declined topic")
    client.force_login(presidency)
    response = client.post(url(meeting, accepted, "accept"))
    item = AgendaItem.objects.get()
    assert response["Location"].endswith(f"#agenda-item-{item.pk}")
    client.post(url(meeting, declined, "decline"), {"note": "Out of scope"})
    declined.refresh_from_db()
    assert declined.status == "declined"
    soup = soup_of(client.get(meeting.url))
    assert soup.select_one(f"#agenda-item-{item.pk} .item-title").text == "1. Accepted topic"
    assert "Out of scope" in soup.select_one(f"#proposal-{declined.pk}").text


@time_machine.travel(BEFORE)
def test_heads_cannot_accept(client, head_be, head_de, meeting):
    proposal = propose(head_be, meeting)
    client.force_login(head_de)
    assert client.post(url(meeting, proposal, "accept")).status_code == 403
    assert client.post(url(meeting, proposal, "decline"), {"note": "x"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_proposal_of_another_meeting_is_404(client, head_be, head_de, meeting, past_meeting):
    proposal = propose(head_be, meeting)
    client.force_login(head_de)
    assert client.post(url(past_meeting, proposal, "support")).status_code == 404


def test_posts_need_csrf(head_be, head_de, meeting):
    from django.test import Client

    proposal = propose(head_be, meeting)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(head_de)
    assert csrf_client.post(url(meeting, proposal, "support")).status_code == 403
    assert csrf_client.post(url(meeting), {"title": "x", "kind": "other"}).status_code == 403
    assert not ProposalSupport.objects.exists()


def test_get_is_not_allowed(client, head_be, meeting):
    client.force_login(head_be)
    assert client.get(url(meeting)).status_code == 405


@time_machine.travel(BEFORE)
def test_proposer_withdraws_through_the_page(client, europol_user, head_be, meeting):
    proposal = propose(europol_user, meeting)
    client.force_login(head_be)
    assert (
        soup_of(client.get(meeting.url)).select_one(
            f"form[action='{url(meeting, proposal, 'withdraw')}']"
        )
        is None
    )
    assert client.post(url(meeting, proposal, "withdraw")).status_code == 403
    client.force_login(europol_user)
    assert client.post(url(meeting, proposal, "withdraw")).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "withdrawn"


@time_machine.travel(BEFORE)
def test_proposal_for_a_held_meeting_through_the_page_is_a_clear_error(
    client, head_be, past_meeting
):
    client.force_login(head_be)
    assert soup_of(client.get(past_meeting.url)).select_one("form#proposal-add") is None
    response = client.post(url(past_meeting), {"title": "Too late", "kind": "other"})
    assert response.status_code == 400
    assert "held" in soup_of(response).select_one("#proposals").text
    assert not AgendaProposal.objects.exists()
