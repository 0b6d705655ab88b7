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
    if actor.pk == user.pk:
        return False  # nobody edits their own roles or disables themselves here
    if is_admin(actor):
        return True
    if user.is_superuser:
        return False
    return can_manage_organisation(actor, user.organisation)
