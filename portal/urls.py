"""The root URLconf: the apps' URLs first (each app's `urls.py`, under its own prefix), then the
portal's own (the admin's login and logout through allauth, documents, accounts, the JSON API,
people, invitations, account settings, updates feed, and the `search` app's /search/ in the
`portal` namespace), then Wagtail's page URLs, which take every path left over and so come
last."""

from pathlib import Path

from allauth.account.decorators import reauthentication_required
from allauth.account.views import LogoutView
from django.conf import settings
from django.conf.urls.static import static
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, resolve, reverse, reverse_lazy
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import views
from portal.api import api_urls
from portal.feeds import UpdatesAtomFeed


class AllauthLoginRedirect(RedirectView):
    """Wagtail always registers its own password-only login; send it to allauth's (with MFA),
    keeping the `next` parameter. Wagtail also sends logged-in users without admin access
    here (with its "no permission" message): they go to the dashboard, which shows that
    message, instead of bouncing between the two logins."""

    query_string = True

    def get_redirect_url(self, *args, **kwargs):
        if self.request.user.is_authenticated:
            return "/"
        return super().get_redirect_url(*args, **kwargs)

    @property
    def url(self):
        return reverse("account_login")


@reauthentication_required
def admin_api_token_create(request):
    """Wagtail's own "new API token" page in the admin, behind allauth's reauthentication
    like the account page's (a token outlives the session that made it)."""
    view = resolve("/api-tokens/new/", urlconf=wagtailadmin_urls).func
    return view(request)


portal_patterns = [
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("people/", views.people_list, name="people_list"),
    path("people/invite/", views.people_invite, name="people_invite"),
    path("people/<int:user_id>/", views.people_edit, name="people_edit"),
    path("people/<int:user_id>/active/", views.people_set_active, name="people_set_active"),
    path(
        "people/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("account/preferences/", views.account_preferences, name="account_preferences"),
    path("account/feed-token/reset/", views.feed_token_reset, name="feed_token_reset"),
    path("account/api-tokens/", views.api_token_create, name="api_token_create"),
    path(
        "account/api-tokens/<int:token_id>/revoke/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("feeds/updates/<str:token>/", UpdatesAtomFeed(), name="updates_feed"),
    path("search/", include("search.urls")),  # in this namespace: `portal:search`
]

urlpatterns = [
    path("training/", include("training.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("", include("meetings.urls")),
    path("cases/", include("cases.urls")),
    path("admin/login/", login_not_required(AllauthLoginRedirect.as_view())),
    # Wagtail's "Log out" posts here: log out through allauth in one step.
    path("admin/logout/", LogoutView.as_view()),
    path(
        "admin/password_reset/",
        login_not_required(RedirectView.as_view(url=reverse_lazy("account_reset_password"))),
    ),
    path("admin/api-tokens/new/", admin_api_token_create),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api_urls()),
    path("", include((portal_patterns, "portal"))),
    # Uploaded images in development only (`static()` is empty unless DEBUG); documents are
    # always served through Wagtail's permission-checked view.
    *static(f"{settings.MEDIA_URL}images/", document_root=Path(settings.MEDIA_ROOT, "images")),
    *static(
        f"{settings.MEDIA_URL}original_images/",
        document_root=Path(settings.MEDIA_ROOT, "original_images"),
    ),
    path("", include(wagtail_urls)),
]
