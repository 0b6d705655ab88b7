"""Calendar downloads, the personal subscription feed and its reset. Thin: selectors decide
what may be seen, meetings.calendar writes the bytes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from meetings import calendar, permissions, selectors
from meetings.models import MeetingIndexPage
from portal.models import AccessToken
from portal.tokens import access_token_reset, user_for_access_token


def _ics_response(body, filename):
    response = HttpResponse(body, content_type=calendar.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def meeting_ics(request, meeting_id):
    """One meeting as an .ics file: the same access as its page."""
    meeting = selectors.meeting_visible_to(request.user, meeting_id)
    if meeting is None:
        raise Http404("No such meeting")
    body = calendar.meeting_calendar(
        meeting,
        url=selectors.meeting_absolute_url(meeting, request=request),
        include_online_link=permissions.can_see_online_link(request.user, meeting),
    )
    return _ics_response(body, f"meeting-{meeting.slug}.ics")


@require_GET
@login_not_required  # calendar clients cannot log in: the URL carries the user's secret token
def calendar_feed(request, token):
    """The user's subscription feed of every meeting they may see. An unknown, forged, reset
    or disabled user's token is a 404."""
    user = user_for_access_token(token, purpose=AccessToken.Purpose.CALENDAR)
    if user is None:
        raise Http404("Unknown feed")
    meetings = list(selectors.meetings_for_feed(user=user))
    body = calendar.feed_calendar(
        meetings,
        name=f"{settings.WAGTAIL_SITE_NAME}: meetings",
        url_for=lambda meeting: selectors.meeting_absolute_url(meeting, request=request),
        include_online_link=permissions.can_see_online_link(user),
    )
    response = HttpResponse(body, content_type=calendar.CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def calendar_token_reset(request):
    access_token_reset(user=request.user, purpose=AccessToken.Purpose.CALENDAR)
    messages.success(request, "Your calendar address was reset; the old one no longer works.")
    index = MeetingIndexPage.objects.live().first()
    return redirect((index.url if index else "/") + "#calendar")
