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
from django.db import transaction
from django.db.models import Q
from wagtail.models import Page, PageViewRestriction

# Where the restrictions are: [(restriction id, page id, page path, kind)] and the aliases among the
# pages {path: id of the page it is an alias of}. Most sites have few restrictions (or none,
# and then no list pays a query); every page served reads this instead of querying the tree.
# Forgotten whenever a restriction is saved or deleted, a page moved or deleted, or an alias
# saved (portal.signal_handlers), at once and again when the transaction commits.
RESTRICTION_MAP_CACHE_KEY = "portal:view-restriction-map"
RESTRICTION_MAP_SECONDS = 300
_USER_CACHE_ATTRIBUTE = "_portal_hidden_page_paths"


def _restriction_map():
    found = cache.get(RESTRICTION_MAP_CACHE_KEY)
    if found is None:
        restrictions = list(
            PageViewRestriction.objects.values_list(
                "pk", "page_id", "page__path", "restriction_type"
            )
        )
        aliases = (
            dict(Page.objects.filter(alias_of__isnull=False).values_list("path", "alias_of_id"))
            if restrictions
            else {}
        )
        found = {"restrictions": restrictions, "aliases": aliases}
        cache.set(RESTRICTION_MAP_CACHE_KEY, found, RESTRICTION_MAP_SECONDS)
    return found


def any_view_restriction():
    return bool(_restriction_map()["restrictions"])


def view_restrictions_changed():
    cache.delete(RESTRICTION_MAP_CACHE_KEY)
    # A request between this and the commit may have read the old rows back into the cache.
    transaction.on_commit(lambda: cache.delete(RESTRICTION_MAP_CACHE_KEY))


def view_restrictions_for(page):
    """The restrictions that apply to `page`, as Wagtail's `Page.get_view_restrictions()`
    finds them (on the page and its ancestors; for an alias, on the page it is an alias of),
    from the cached map: no query when none applies, one for the rows when some do."""
    found = _restriction_map()
    if not found["restrictions"]:
        return PageViewRestriction.objects.none()
    aliases = found["aliases"]
    step = Page.steplen
    ancestors = [page.path[:end] for end in range(step, len(page.path), step)]
    page_ids = {page.alias_of_id or page.pk}
    paths = set()
    for path in ancestors:
        if path in aliases:
            page_ids.add(aliases[path])
        else:
            paths.add(path)
    ids = [
        pk
        for pk, page_id, path, _kind in found["restrictions"]
        if page_id in page_ids or path in paths
    ]
    if not ids:
        return PageViewRestriction.objects.none()
    return PageViewRestriction.objects.filter(pk__in=ids)


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
    restrictions = [
        (pk, kind, path) for pk, _page_id, path, kind in _restriction_map()["restrictions"]
    ]
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
