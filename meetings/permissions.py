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


# --- Activity report to DAPIX ---------------------------------------------------------------
# The Presidency (editors, approvers) and administrators write the report and see drafts; an
# approver (or an administrator) approves it; Heads of SPOC read approved reports, which
# concern the whole network. Other members do not see reports.

REPORT_EDITOR_ROLES = PRESIDENCY_ROLES
REPORT_APPROVER_ROLES = frozenset({Role.PRESIDENCY_APPROVER, Role.ADMIN})


def can_edit_activity_reports(user):
    return can_see_meetings(user) and user.has_role(*REPORT_EDITOR_ROLES)


def can_approve_activity_reports(user):
    return can_see_meetings(user) and user.has_role(*REPORT_APPROVER_ROLES)


def can_see_activity_reports(user):
    """Anyone who may see some report: its writers (drafts too) and the heads (approved)."""
    return can_edit_activity_reports(user) or (
        can_see_meetings(user) and user.has_role(Role.HEAD)
    )
