"""Who may manage whom. Used by services (enforcement) and selectors/views (what to show)."""

from portal.models import Role

# Roles a Head of SPOC may give to the people of their own country.
HEAD_ASSIGNABLE_ROLES = frozenset({Role.HEAD, Role.OFFICER, Role.EDITOR, Role.TRAINER})
# Roles whose holders reach the Wagtail admin (the group carries wagtailadmin.access_admin).
STAFF_ROLES = frozenset(
    {Role.EDITOR, Role.TRAINER, Role.PRESIDENCY, Role.PRESIDENCY_APPROVER, Role.ADMIN}
)


def is_admin(user):
    return user.is_authenticated and user.is_active and user.is_superuser


def can_manage_people(user):
    return is_admin(user) or (user.is_authenticated and user.has_role(Role.HEAD) and user.country)


def assignable_roles(actor):
    if is_admin(actor):
        return frozenset(Role.values)
    if can_manage_people(actor):
        return HEAD_ASSIGNABLE_ROLES
    return frozenset()


def can_manage_organisation(actor, organisation):
    if is_admin(actor):
        return True
    return bool(
        can_manage_people(actor)
        and organisation is not None
        and organisation.country_id is not None
        and organisation.country_id == actor.country.pk
    )


def can_manage_user(actor, user):
    """Change the roles of, or disable, this account. Heads manage their own country's
    people except administrators and other Heads: only administrators touch a Head."""
    if actor.pk == user.pk:
        return False  # nobody edits their own roles or disables themselves here
    if is_admin(actor):
        return True
    if user.is_superuser or user.has_role(Role.HEAD):
        return False
    return can_manage_organisation(actor, user.organisation)


def can_reactivate_user(actor, user):
    """Enable a disabled account again: only administrators undo what an administrator
    decided, and an account disabled without a record (before it was kept) is theirs too."""
    if not can_manage_user(actor, user):
        return False
    if is_admin(actor):
        return True
    return user.disabled_at is not None and not user.disabled_by_administrator


def can_revoke_invitation(actor, invitation):
    """Administrators revoke any invitation; a Head only the ones they issued."""
    if is_admin(actor):
        return True
    return invitation.invited_by_id == actor.pk and can_manage_organisation(
        actor, invitation.organisation
    )
