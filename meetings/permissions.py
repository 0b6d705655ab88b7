"""Who may see what of a meeting. Used by selectors, views, feeds and the API alike."""

from meetings.models import Registration
from portal.models import OrganisationKind, Role

PRESIDENCY_ROLES = frozenset({Role.PRESIDENCY, Role.PRESIDENCY_APPROVER, Role.ADMIN})


def can_see_meetings(user):
    """Every active member of the network sees the published meetings."""
    return bool(user and user.is_authenticated and user.is_active)


def can_see_online_link(user, meeting):
    """The online link goes to the meeting's registered participants (a confirmed
    registration with the user's email address, in any case) and to the organisers."""
    if not can_see_meetings(user) or not meeting.online_url:
        return False
    if user.has_role(*PRESIDENCY_ROLES):
        return True
    return meeting.pk in meetings_registered_for(user, [meeting.pk])


def meetings_registered_for(user, meeting_ids):
    """The ids, among `meeting_ids`, of the meetings for which the user holds a confirmed
    seat (one query, for feeds of many meetings)."""
    if not can_see_meetings(user) or not user.email:
        return set()
    return set(
        Registration.objects.filter(
            meeting_id__in=list(meeting_ids),
            status=Registration.Status.CONFIRMED,
            email__iexact=user.email,
        ).values_list("meeting_id", flat=True)
    )


def online_link_meeting_ids(user, meeting_ids):
    """Of `meeting_ids`, those whose online link the user may see."""
    meeting_ids = set(meeting_ids)
    if not can_see_meetings(user):
        return set()
    if user.has_role(*PRESIDENCY_ROLES):
        return meeting_ids
    return meetings_registered_for(user, meeting_ids)


def is_presidency(user):
    # Presidency roles reach the admin; asking that first costs nothing on pages that show
    # the admin link anyway (Django caches the permissions on the user) and spares everyone
    # else the roles query.
    return (
        can_see_meetings(user)
        and user.has_perm("wagtailadmin.access_admin")
        and user.has_role(*PRESIDENCY_ROLES)
    )


def head_country(user):
    """The country whose delegation the user registers: a Head of SPOC's own, else None."""
    if can_see_meetings(user) and user.has_role(Role.HEAD):
        return user.country
    return None


def is_organiser(user):
    """The organisers: Presidency roles and administrators (with or without the admin)."""
    return can_see_meetings(user) and user.has_role(*PRESIDENCY_ROLES)


def can_see_delegations(user):
    """The organisers see every delegation, with the dietary and accessibility notes."""
    return is_organiser(user)


# --- Agenda, proposals, minutes and action items -------------------------------------------

MINUTES_APPROVER_ROLES = frozenset({Role.PRESIDENCY_APPROVER, Role.ADMIN})


def agency_of(user):
    """The agency an agency representative speaks for: their organisation when it is an
    agency and they hold the agency role; else None."""
    if not (can_see_meetings(user) and user.has_role(Role.AGENCY)):
        return None
    organisation = user.organisation if user.organisation_id else None
    if organisation is None or organisation.kind != OrganisationKind.AGENCY:
        return None
    return organisation


def can_approve_minutes(user):
    return is_presidency(user) and user.has_role(*MINUTES_APPROVER_ROLES)


def can_update_action(user, action):
    """The Presidency, the owner country's Head of SPOC, or the owner agency's users."""
    if not can_see_meetings(user):
        return False
    if is_presidency(user):
        return True
    if action.owner_country_id is not None:
        country = head_country(user)
        return country is not None and country.pk == action.owner_country_id
    agency = agency_of(user)
    return agency is not None and agency.pk == action.owner_organisation_id


# --- Date polls, attendance, feedback ------------------------------------------------------


def is_participant(user, meeting):
    """A confirmed delegate of the meeting (by email address, in any case)."""
    return meeting.pk in meetings_registered_for(user, [meeting.pk])


def can_give_feedback(user, meeting):
    return can_see_meetings(user) and (
        head_country(user) is not None or is_participant(user, meeting)
    )


# --- Activity report to DAPIX ---------------------------------------------------------------
# The Presidency (editors, approvers) and administrators write the report and see drafts; an
# approver (or an administrator) approves it; Heads of SPOC read approved reports, which
# concern the whole network. Other members do not see reports.

REPORT_EDITOR_ROLES = PRESIDENCY_ROLES
REPORT_APPROVER_ROLES = MINUTES_APPROVER_ROLES


def can_edit_activity_reports(user):
    return can_see_meetings(user) and user.has_role(*REPORT_EDITOR_ROLES)


def can_approve_activity_reports(user):
    return can_see_meetings(user) and user.has_role(*REPORT_APPROVER_ROLES)


def can_see_activity_reports(user):
    """Anyone who may see some report: its writers (drafts too) and the heads (approved)."""
    return can_edit_activity_reports(user) or (can_see_meetings(user) and user.has_role(Role.HEAD))
