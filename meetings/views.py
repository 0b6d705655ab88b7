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
from meetings.forms import DatePollOpenForm, DelegateForm, FeedbackForm, SwapForm
from meetings.models import DatePoll, MeetingIndexPage
from portal.models import AccessToken, Country
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
    with_link = permissions.online_link_meeting_ids(user, [meeting.pk for meeting in meetings])
    body = calendar.feed_calendar(
        meetings,
        name=f"{settings.WAGTAIL_SITE_NAME}: meetings",
        url_for=lambda meeting: selectors.meeting_absolute_url(meeting, request=request),
        include_online_link=lambda meeting: meeting.pk in with_link,
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


# --- Date polls, attendance, feedback (m-polls) --------------------------------------------


def _visible_meeting(request, meeting_id):
    meeting = selectors.meeting_visible_to(request.user, meeting_id)
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def _presidency_meeting(request, meeting_id):
    meeting = _visible_meeting(request, meeting_id)
    if not permissions.is_presidency(request.user):
        raise PermissionDenied("This is for the Presidency (the organisers) only.")
    return meeting


def _meeting_poll(meeting):
    poll = DatePoll.objects.filter(meeting=meeting).first()
    if poll is None:
        raise Http404("This meeting has no date poll")
    return poll


def _error_messages(error):
    return list(error.messages) if hasattr(error, "messages") else [str(error)]


def _to(meeting, anchor):
    return redirect(f"{meeting.url}#{anchor}")


@require_POST
def date_poll_open(request, meeting_id):
    meeting = _presidency_meeting(request, meeting_id)
    form = DatePollOpenForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.date_poll_open(
                actor=request.user,
                meeting=meeting,
                options=form.cleaned_data["options"],
                closes_at=form.cleaned_data["closes_at"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The date poll is open: the Heads of SPOC can answer.")
            return _to(meeting, "date-poll")
    return _rerender(request, meeting, date_poll_form=form)


@require_POST
def date_poll_answer(request, meeting_id):
    meeting = _visible_meeting(request, meeting_id)
    if permissions.head_country(request.user) is None:
        raise PermissionDenied("Only a country's Head of SPOC answers the date poll.")
    poll = _meeting_poll(meeting)
    country = None
    if request.POST.get("country"):
        country = Country.objects.filter(code=request.POST["country"].strip().upper()).first()
        if country is None:
            raise PermissionDenied("You can only answer for your own country.")
    answers = {
        option_id: value
        for option_id in poll.options.values_list("pk", flat=True)
        if (value := request.POST.get(f"answer-{option_id}"))
    }
    try:
        services.date_poll_answer(actor=request.user, poll=poll, answers=answers, country=country)
    except ValidationError as error:
        return _rerender(request, meeting, poll_errors=_error_messages(error))
    messages.success(request, "Your country's answers are saved.")
    return _to(meeting, "date-poll")


@require_POST
def date_poll_close(request, meeting_id):
    meeting = _presidency_meeting(request, meeting_id)
    services.date_poll_close(actor=request.user, poll=_meeting_poll(meeting))
    messages.success(request, "The date poll is closed.")
    return _to(meeting, "date-poll")


@require_POST
def date_poll_decide(request, meeting_id):
    meeting = _presidency_meeting(request, meeting_id)
    poll = _meeting_poll(meeting)
    try:
        option_id = int(request.POST.get("option", ""))
    except ValueError:
        return _rerender(request, meeting, poll_errors=["Choose one of the candidate dates."])
    try:
        services.date_poll_decide(actor=request.user, poll=poll, option=option_id)
    except ValidationError as error:
        return _rerender(request, meeting, poll_errors=_error_messages(error))
    messages.success(request, "The date is chosen: the meeting is updated and the heads told.")
    return _to(meeting, "date-poll")


@require_POST
def attendance_record(request, meeting_id):
    meeting = _presidency_meeting(request, meeting_id)
    entries = {
        key.removeprefix("attendance-"): value
        for key, value in request.POST.items()
        if key.startswith("attendance-") and value
    }
    try:
        count = services.attendance_record(actor=request.user, meeting=meeting, entries=entries)
    except ValidationError as error:
        return _rerender(request, meeting, attendance_errors=_error_messages(error))
    plural = "s" if count != 1 else ""
    messages.success(request, f"Attendance recorded for {count} delegate{plural}.")
    return _to(meeting, "attendance")


@require_POST
def feedback_give(request, meeting_id):
    meeting = _visible_meeting(request, meeting_id)
    if not permissions.can_give_feedback(request.user, meeting):
        raise PermissionDenied("Feedback is for the meeting's participants and Heads of SPOC.")
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_give(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Thank you for your feedback.")
            return _to(meeting, "feedback")
    return _rerender(request, meeting, feedback_form=form)


@require_POST
def meeting_mark_held(request, meeting_id):
    meeting = _presidency_meeting(request, meeting_id)
    try:
        services.meeting_mark_held(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(_error_messages(error)))
    else:
        messages.success(request, "The meeting is marked as held.")
    return _to(meeting, "attendance")
