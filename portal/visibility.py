"""The one rule for which pages a user may see outside the page view itself.

Wagtail applies a page's privacy setting (a PageViewRestriction on the page or an ancestor)
when the page is served. Every other place that shows pages or things hanging off pages
(lists, search, suggestions, dashboard panels, feeds, emails, the API, action items of a
meeting) asks here:

- a "logged-in users" restriction is passed by every logged-in user;
- a "groups" restriction is passed by superusers and members of one of its groups;
- a "password" restriction is never passed outside the page itself (a list cannot ask for
  the password), so those subtrees stay out of every list.

`visible_pages(user)` gives live pages the user may see; `exclude_hidden(queryset, user)`
applies the same rule to any queryset of pages or of rows linked to a page.
"""

from django.core.cache import cache
from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

# Whether any restriction exists at all: most sites have none, and then no list pays a query.
# Cleared whenever a restriction is saved or deleted (portal.signal_handlers).
RESTRICTIONS_EXIST_CACHE_KEY = "portal:any-view-restriction"
_USER_CACHE_ATTRIBUTE = "_portal_hidden_page_paths"


def any_view_restriction():
    found = cache.get(RESTRICTIONS_EXIST_CACHE_KEY)
    if found is None:
        found = PageViewRestriction.objects.exists()
        cache.set(RESTRICTIONS_EXIST_CACHE_KEY, found, 300)
    return found


def view_restrictions_changed():
    cache.delete(RESTRICTIONS_EXIST_CACHE_KEY)


def user_groups_changed(user):
    """Forget what was worked out for this user instance (its groups changed)."""
    user.__dict__.pop(_USER_CACHE_ATTRIBUTE, None)


def hidden_page_paths(user):
    """Tree paths of the subtrees under a restriction `user` does not pass. Cached on the
    user instance, which lives for one request or one task."""
    if user is not None:
        cached = getattr(user, _USER_CACHE_ATTRIBUTE, None)
        if cached is not None:
            return cached
    paths = _compute_hidden_paths(user) if any_view_restriction() else []
    if user is not None:
        try:
            setattr(user, _USER_CACHE_ATTRIBUTE, paths)
        except AttributeError:
            pass
    return paths


def _compute_hidden_paths(user):
    restrictions = list(
        PageViewRestriction.objects.values_list("pk", "restriction_type", "page__path")
    )
    if not restrictions:
        return []
    logged_in = bool(user is not None and user.is_authenticated and user.is_active)
    superuser = logged_in and user.is_superuser
    passed_group_restrictions = set()
    if logged_in and not superuser:
        passed_group_restrictions = set(
            PageViewRestriction.groups.through.objects.filter(
                pageviewrestriction_id__in=[pk for pk, _kind, _path in restrictions],
                group__user=user,
            ).values_list("pageviewrestriction_id", flat=True)
        )
    hidden = []
    for pk, kind, path in restrictions:
        if kind == PageViewRestriction.LOGIN and logged_in:
            continue
        if kind == PageViewRestriction.GROUPS and (superuser or pk in passed_group_restrictions):
            continue
        hidden.append(path)
    return sorted(set(hidden))


def exclude_hidden(queryset, user, *, path_field="path"):
    """`queryset` without the rows under a restriction `user` does not pass; `path_field`
    names the page path (e.g. "meeting__path" for rows linked to a meeting page)."""
    paths = hidden_page_paths(user)
    if not paths:
        return queryset
    hidden = Q()
    for path in paths:
        hidden |= Q(**{f"{path_field}__startswith": path})
    return queryset.exclude(hidden)


def visible_pages(user, queryset=None):
    """Live pages (of `queryset`, default all pages) the user may see."""
    queryset = Page.objects.all() if queryset is None else queryset
    return exclude_hidden(queryset.live(), user)


def page_visible_to(user, page):
    """Whether one page, live, may be seen by `user` in lists and links."""
    if not page.live:
        return False
    return not any(page.path.startswith(path) for path in hidden_page_paths(user))


def users_who_may_see(page, users):
    """The users (of the queryset `users`) who pass every restriction over `page`: for
    notifications, which must never tell someone about a page they cannot open."""
    step = Page.steplen
    ancestors_and_self = [page.path[:end] for end in range(step, len(page.path) + 1, step)]
    restrictions = list(
        PageViewRestriction.objects.filter(page__path__in=ancestors_and_self).prefetch_related(
            "groups"
        )
    )
    users = users.filter(is_active=True)
    for restriction in restrictions:
        if restriction.restriction_type == PageViewRestriction.LOGIN:
            continue
        if restriction.restriction_type == PageViewRestriction.GROUPS:
            group_ids = [group.pk for group in restriction.groups.all()]
            passing = users.model.objects.filter(Q(is_superuser=True) | Q(groups__in=group_ids))
            users = users.filter(pk__in=passing.values("pk"))
            continue
        return users.none()
    return users
