"""Who may see and do what in the case register. Pure predicates on the user (the roles and
the country are read from the user; no case is loaded here).

A case belongs to one country's SPOC. Its officers and its Head of SPOC work on it; nobody
else sees it, and every other user is answered 404 (cases.selectors.cases_visible_to).
Portal administrators read every country's cases only when CASES_ADMIN_ACCESS is on (off by
default: an administrator manages accounts, not police information)."""

from django.conf import settings

from portal.models import Role

CASE_ROLES = (Role.HEAD, Role.OFFICER)
# Holders of this group read their country's audit log (Directive 2016/680 Art. 25(2):
# self-monitoring); created by cases/migrations/0002.
DATA_PROTECTION_GROUP = "Data protection officers (cases)"


def _active(user):
    return bool(user and user.is_authenticated and user.is_active)


def admin_reads_all(user):
    """An administrator who may read every country's cases (setting CASES_ADMIN_ACCESS)."""
    return (
        _active(user) and user.is_superuser and bool(getattr(settings, "CASES_ADMIN_ACCESS", False))
    )


def case_country(user):
    """The country whose cases `user` works on (head or officer of its SPOC), or None."""
    if not _active(user) or user.country is None:
        return None
    return user.country if user.has_role(*CASE_ROLES) else None


def can_use_cases(user):
    """Sees the case register at all (their own country's, or all for an allowed admin)."""
    return case_country(user) is not None or admin_reads_all(user)


def can_write_cases(user):
    """Registers and handles cases: the country's heads and officers (never an admin, who
    may only read)."""
    return case_country(user) is not None


def is_head(user):
    return case_country(user) is not None and user.has_role(Role.HEAD)


def audit_country(user):
    """The country whose case audit log `user` reads: its head, or a member of its SPOC in
    the data-protection group; None otherwise."""
    if not _active(user) or user.country is None:
        return None
    if user.has_role(Role.HEAD):
        return user.country
    # The group carries cases.read_case_audit_log (read from Django's per-request cache).
    if not user.is_superuser and user.has_perm("cases.read_case_audit_log"):
        return user.country
    return None


def can_read_audit(user):
    return audit_country(user) is not None or admin_reads_all(user)
