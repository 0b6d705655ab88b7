"""Who may see what of a meeting. Used by selectors, views, feeds and the API alike."""

from portal.models import Role

# Until registration exists, the online link goes to those who will certainly take part.
ONLINE_LINK_ROLES = frozenset({Role.HEAD, Role.PRESIDENCY, Role.PRESIDENCY_APPROVER, Role.ADMIN})
PRESIDENCY_ROLES = frozenset({Role.PRESIDENCY, Role.PRESIDENCY_APPROVER, Role.ADMIN})


def can_see_meetings(user):
    """Every active member of the network sees the published meetings."""
    return bool(user and user.is_authenticated and user.is_active)


def can_see_online_link(user, meeting=None):
    return can_see_meetings(user) and user.has_role(*ONLINE_LINK_ROLES)


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


def can_see_delegations(user):
    """The organisers see every delegation, with the dietary and accessibility notes."""
    return can_see_meetings(user) and user.has_role(*PRESIDENCY_ROLES)


# --- Agenda, proposals, minutes and action items -------------------------------------------

MINUTES_APPROVER_ROLES = frozenset({Role.PRESIDENCY_APPROVER, Role.ADMIN})


def agency_of(user):
    """The agency an agency representative speaks for: their organisation when it is an
    agency and they hold the agency role; else None."""
    from portal.models import OrganisationKind

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
    if user.has_role(*PRESIDENCY_ROLES) and is_presidency(user):
        return True
    if action.owner_country_id is not None:
        country = head_country(user)
        return country is not None and country.pk == action.owner_country_id
    agency = agency_of(user)
    return agency is not None and agency.pk == action.owner_organisation_id
