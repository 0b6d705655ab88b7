from types import SimpleNamespace

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.feedgenerator import Atom1Feed

from portal.models import AccessToken
from portal.selectors import update_list
from portal.tokens import user_for_access_token

FEED_LENGTH = 50


class UpdatesAtomFeed(Feed):
    """Presidency updates for feed readers, which cannot log in: the URL carries the user's
    secret feed token. An unknown, forged, reset or disabled user's token is a 404."""

    # Reached without a session. LoginRequiredMiddleware reads this attribute from the view
    # callable, which is the Feed instance itself (a decorator on __call__ would not reach it).
    login_required = False

    feed_type = Atom1Feed
    title = f"{settings.WAGTAIL_SITE_NAME}: Presidency updates"
    subtitle = "Updates from the Council Presidency to the network of Heads of SPOC"

    def get_object(self, request, token):
        user = user_for_access_token(token, purpose=AccessToken.Purpose.FEED)
        if user is None:
            raise Http404("Unknown feed")
        # One Feed instance serves every request: keep per-request state in the object.
        return SimpleNamespace(user=user, request=request)

    def link(self):
        return "/updates/"

    def items(self, obj):
        items = list(update_list(user=obj.user, limit=FEED_LENGTH))
        for item in items:
            item.feed_link = item.get_url(request=obj.request) or "/updates/"
        return items

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.feed_link

    def item_guid(self, item):
        return f"tag:spoc-network-portal,2026:update:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        return [item.get_audience_display()]

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response
