"""Who may do what in the knowledge base.

Reading: every logged-in user reads every live knowledge page (Wagtail view restrictions,
when set on a subtree, still apply: see selectors). Editing: Wagtail page permissions decide
(national editors of a country edit that country's sheets, through the per-country group
"Fact sheet editors XX"; see knowledge/migrations/0002 and services.fact_sheet_editor_groups_sync).
"""

from portal.models import Role

REVIEWERS_GROUP = "Knowledge reviewers"


def is_editor(user):
    return user.is_authenticated and user.is_active and user.has_role(Role.EDITOR)


def is_reviewer(user):
    if not (user.is_authenticated and user.is_active):
        return False
    # A permission held by the "Knowledge reviewers" group (superusers hold every one): read
    # from Django's per-request permission cache, which the page header loads anyway.
    return user.has_perm("knowledge.review_fact_sheets")


def can_edit_page(user, page):
    """Wagtail's own answer: may `user` edit `page` in the admin?"""
    if not (user.is_authenticated and user.is_active):
        return False
    return page.permissions_for_user(user).can_edit()


def can_publish_page(user, page):
    if not (user.is_authenticated and user.is_active):
        return False
    return page.permissions_for_user(user).can_publish()


def is_country_editor(user):
    """A national editor (the role group holds knowledge.edit_country_fact_sheets; read from
    the per-request permission cache)."""
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_superuser
        and user.has_perm("knowledge.edit_country_fact_sheets")
    )


def sees_review_panel(user):
    """Editors see their country's sheets to review; reviewers and administrators all."""
    return is_reviewer(user) or (is_country_editor(user) and user.country is not None)
