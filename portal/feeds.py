from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed

from portal.models import AccessToken
from portal.selectors import update_list
from portal.tokens import user_for_access_token


@method_decorator(login_not_required, name="__call__")
class UpdatesAtomFeed(Feed):
    """Presidency updates for feed readers, which cannot log in: the URL carries the user's
    secret feed token. An unknown or reset token is a 404."""

    feed_type = Atom1Feed
    title = f"{settings.WAGTAIL_SITE_NAME}: Presidency updates"
    subtitle = "Updates from the Council Presidency to the network of Heads of SPOC"

    def get_object(self, request, token):
        user = user_for_access_token(token, purpose=AccessToken.Purpose.FEED)
        if user is None:
            raise Http404("Unknown feed")
        return user

    def link(self):
        return "/updates/"

    def items(self, user):
        return update_list(limit=50)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_url() or "/"

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
