"""Calendar downloads, the personal subscription feed and its reset. Thin: selectors decide
what may be seen, meetings.calendar writes the bytes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from meetings import calendar, permissions, selectors, services
from meetings.forms import DelegateForm, SwapForm
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


# --- Delegations ---------------------------------------------------------------------------


def _meeting_for_head(request, meeting_id):
    meeting = selectors.meeting_visible_to(request.user, meeting_id)
    if meeting is None:
        raise Http404("No such meeting")
    if permissions.head_country(request.user) is None:
        raise PermissionDenied("Only a Head of SPOC registers their country's delegates.")
    return meeting


def _own_registration(request, meeting, registration_id):
    registration = selectors.registration_of_own_country(
        user=request.user, meeting=meeting, registration_id=registration_id
    )
    if registration is None:
        raise Http404("No such delegate in your delegation")
    return registration


def _rerender(request, meeting, **forms):
    """The meeting page again, with the form and its errors (nothing was saved)."""
    response = meeting.serve(request, **forms)
    response.status_code = 400
    return response


def _to_delegation(meeting):
    return redirect(meeting.url + "#delegation")


@require_POST
def delegate_add(request, meeting_id):
    meeting = _meeting_for_head(request, meeting_id)
    form = DelegateForm(request.POST)
    if form.is_valid():
        try:
            registration = services.registration_add(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if registration.status == registration.Status.CONFIRMED:
                messages.success(request, f"{registration.name} is registered.")
            else:
                messages.info(
                    request,
                    f"All seats are taken: {registration.name} is number "
                    f"{registration.position} on the waiting list.",
                )
            return _to_delegation(meeting)
    return _rerender(request, meeting, delegate_form=form)


@require_POST
def delegate_withdraw(request, meeting_id, registration_id):
    meeting = _meeting_for_head(request, meeting_id)
    registration = _own_registration(request, meeting, registration_id)
    promoted = services.registration_withdraw(actor=request.user, registration=registration)
    messages.success(request, f"{registration.name} was withdrawn.")
    if promoted is not None:
        messages.info(request, f"{promoted.name} moved up from the waiting list.")
    return _to_delegation(meeting)


@require_POST
def delegate_swap(request, meeting_id, registration_id):
    meeting = _meeting_for_head(request, meeting_id)
    registration = _own_registration(request, meeting, registration_id)
    form = SwapForm(request.POST)
    if form.is_valid():
        try:
            services.registration_swap(
                actor=request.user, registration=registration, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} replaces {registration.name}.")
            return _to_delegation(meeting)
    return _rerender(request, meeting, swap_form=form, swap_id=registration.pk)
