"""Calendar downloads, the personal subscription feed and its reset. Thin: selectors decide
what may be seen, meetings.calendar writes the bytes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import agenda_forms, calendar, permissions, report_exports, selectors, services
from meetings.forms import (
    ActivityReportCreateForm,
    ActivityReportSectionForm,
    DatePollOpenForm,
    DelegateForm,
    FeedbackForm,
    SwapForm,
)
from meetings.models import ActionItem, AgendaItem, AgendaProposal, DatePoll, MeetingIndexPage
from meetings.report import default_period, html_for_editing
from portal.exports import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE, download_response
from portal.models import AccessToken, Country
from portal.tokens import access_token_reset, user_for_access_token


def _ics_response(body, filename):
    return download_response(body, content_type=calendar.CONTENT_TYPE, filename=filename)


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
    if selectors.delegation_scope(user=request.user, meeting=meeting) is None:
        raise PermissionDenied(
            "Only a Head of SPOC, or an invited agency's representative, registers delegates."
        )
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


# --- Agenda: proposals, agenda items, minutes, action items --------------------------------
# POST forms on the meeting page (no JavaScript needed). A meeting the user may not see is a
# 404; a role that may not act is a 403 (the services decide); bad input re-renders the
# page with the form's errors (400) or, for one-button forms, comes back as a message.


def _visible_meeting(request, meeting_id):
    meeting = selectors.meeting_visible_to(request.user, meeting_id)
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def _to(meeting, anchor):
    return redirect(f"{meeting.url}#{anchor}")


def _message_errors(request, error):
    for text in error.messages:
        messages.error(request, text)


def _proposal(meeting, proposal_id):
    proposal = AgendaProposal.objects.filter(pk=proposal_id, meeting=meeting).first()
    if proposal is None:
        raise Http404("No such proposal")
    return proposal


def _agenda_item(meeting, item_id):
    item = AgendaItem.objects.filter(pk=item_id, meeting=meeting).first()
    if item is None:
        raise Http404("No such agenda item")
    return item


@require_POST
def proposal_add(request, meeting_id):
    meeting = _visible_meeting(request, meeting_id)
    form = agenda_forms.ProposalForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_create(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Your proposal “{form.cleaned_data['title']}” is listed.")
            return _to(meeting, "proposals")
    if not (permissions.head_country(request.user) or permissions.agency_of(request.user)):
        raise PermissionDenied("Only a Head of SPOC or an agency proposes agenda topics.")
    return _rerender(request, meeting, proposal_form=form)


@require_POST
def proposal_support(request, meeting_id, proposal_id):
    meeting = _visible_meeting(request, meeting_id)
    proposal = _proposal(meeting, proposal_id)
    try:
        services.proposal_support(actor=request.user, proposal=proposal)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, f"Your country supports “{proposal.title}”.")
    return _to(meeting, f"proposal-{proposal.pk}")


@require_POST
def proposal_withdraw(request, meeting_id, proposal_id):
    meeting = _visible_meeting(request, meeting_id)
    proposal = _proposal(meeting, proposal_id)
    try:
        services.proposal_withdraw(actor=request.user, proposal=proposal)
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, f"“{proposal.title}” was withdrawn.")
    return _to(meeting, "proposals")


@require_POST
def proposal_accept(request, meeting_id, proposal_id):
    meeting = _visible_meeting(request, meeting_id)
    proposal = _proposal(meeting, proposal_id)
    try:
        item = services.proposal_accept(actor=request.user, proposal=proposal)
    except ValidationError as error:
        _message_errors(request, error)
        return _to(meeting, f"proposal-{proposal.pk}")
    messages.success(request, f"“{proposal.title}” is item {item.position} of the agenda.")
    return _to(meeting, f"agenda-item-{item.pk}")


@require_POST
def proposal_decline(request, meeting_id, proposal_id):
    meeting = _visible_meeting(request, meeting_id)
    proposal = _proposal(meeting, proposal_id)
    form = agenda_forms.DeclineForm(request.POST)
    try:
        services.proposal_decline(
            actor=request.user,
            proposal=proposal,
            note=form.cleaned_data["note"] if form.is_valid() else "",
        )
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, f"“{proposal.title}” was declined.")
    return _to(meeting, f"proposal-{proposal.pk}")


def _presidency_or_403(request):
    if not permissions.is_presidency(request.user):
        raise PermissionDenied("Only the Presidency does this.")


def _item_values(form):
    values = dict(form.cleaned_data)
    values["agencies"] = list(values.get("agencies") or [])
    values["documents"] = list(values.get("documents") or [])
    return values


@require_http_methods(["GET", "POST"])
def agenda_item_add(request, meeting_id):
    """The Presidency adds an item (its own page: the form lists every document)."""
    meeting = _visible_meeting(request, meeting_id)
    _presidency_or_403(request)
    status = 200
    if request.method == "POST":
        form = agenda_forms.AgendaItemForm(request.POST, meeting=meeting)
        if form.is_valid():
            try:
                item = services.agenda_item_create(
                    actor=request.user, meeting=meeting, **_item_values(form)
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"“{item.title}” was added to the agenda.")
                return _to(meeting, f"agenda-item-{item.pk}")
        status = 400
    else:
        form = agenda_forms.AgendaItemForm(meeting=meeting)
    return render(
        request,
        "meetings/agenda_item_edit.html",
        {"meeting": meeting, "item": None, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, meeting_id, item_id):
    meeting = _visible_meeting(request, meeting_id)
    _presidency_or_403(request)
    item = _agenda_item(meeting, item_id)
    status = 200
    if request.method == "POST":
        form = agenda_forms.AgendaItemForm(request.POST, meeting=meeting)
        if form.is_valid():
            try:
                services.agenda_item_update(actor=request.user, item=item, **_item_values(form))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"“{form.cleaned_data['title']}” was saved.")
                return _to(meeting, f"agenda-item-{item.pk}")
        status = 400
    else:
        initial = {name: getattr(item, name) for name in services.AGENDA_ITEM_FIELDS}
        initial["agencies"] = list(item.agencies.all())
        initial["documents"] = list(item.documents.all())
        form = agenda_forms.AgendaItemForm(initial=initial, meeting=meeting)
    return render(
        request,
        "meetings/agenda_item_edit.html",
        {"meeting": meeting, "item": item, "form": form},
        status=status,
    )


@require_POST
def agenda_item_delete(request, meeting_id, item_id):
    meeting = _visible_meeting(request, meeting_id)
    _presidency_or_403(request)
    item = _agenda_item(meeting, item_id)
    services.agenda_item_delete(actor=request.user, item=item)
    messages.success(request, f"“{item.title}” was removed from the agenda.")
    return _to(meeting, "agenda")


@require_POST
def agenda_item_move(request, meeting_id, item_id):
    meeting = _visible_meeting(request, meeting_id)
    _presidency_or_403(request)
    item = _agenda_item(meeting, item_id)
    try:
        services.agenda_item_move(
            actor=request.user, item=item, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        _message_errors(request, error)
    return _to(meeting, f"agenda-item-{item.pk}")


@require_POST
def minutes_save(request, meeting_id):
    meeting = _visible_meeting(request, meeting_id)
    _presidency_or_403(request)
    form = agenda_forms.MinutesForm(request.POST)
    if form.is_valid():
        try:
            version = services.minutes_save(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Version {version.number} of the minutes was saved.")
            return _to(meeting, "minutes")
    return _rerender(request, meeting, minutes_form=form)


@require_POST
def minutes_approve(request, meeting_id):
    meeting = _visible_meeting(request, meeting_id)
    try:
        services.minutes_approve(
            actor=request.user, meeting=meeting, version_number=request.POST.get("version") or 0
        )
    except (ValidationError, ValueError) as error:
        _message_errors(
            request,
            error
            if isinstance(error, ValidationError)
            else ValidationError("Give the version to approve."),
        )
    else:
        messages.success(request, "The minutes are approved and locked.")
    return _to(meeting, "minutes")


@require_GET
def minutes_history(request, meeting_id):
    """The Presidency's view of every version, and the difference between two of them."""
    meeting = _visible_meeting(request, meeting_id)
    _presidency_or_403(request)
    versions = list(selectors.minutes_versions(user=request.user, meeting=meeting))
    by_number = {version.number: version for version in versions}

    def number(name, default):
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else default

    diff = None
    newer = older = None
    if versions:
        newer = by_number.get(number("to", versions[0].number))
        if newer is not None:
            older = by_number.get(number("from", newer.number - 1))
            diff = selectors.minutes_diff(older, newer)
    return render(
        request,
        "meetings/minutes_history.html",
        {
            "meeting": meeting,
            "minutes": selectors.minutes_of(meeting=meeting),
            "versions": versions,
            "newer": newer,
            "older": older,
            "diff": diff,
        },
    )


@require_POST
def action_add(request, meeting_id):
    meeting = _visible_meeting(request, meeting_id)
    _presidency_or_403(request)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    form = agenda_forms.ActionItemForm(request.POST, meeting=meeting, items=items)
    if form.is_valid():
        try:
            action = services.action_item_create(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The action “{action.title}” was added.")
            return _to(meeting, "actions")
    return _rerender(request, meeting, action_form=form)


@require_POST
def action_status(request, action_id):
    action = ActionItem.objects.select_related("meeting").filter(pk=action_id).first()
    if action is None or selectors.meeting_visible_to(request.user, action.meeting_id) is None:
        raise Http404("No such action")
    form = agenda_forms.ActionStatusForm(request.POST)
    if not form.is_valid():
        if not permissions.can_update_action(request.user, action):
            raise PermissionDenied("Only the action's owner or the Presidency updates it.")
        messages.error(request, "Choose a known status.")
    else:
        try:
            services.action_item_set_status(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            _message_errors(request, error)
        else:
            messages.success(request, f"“{action.title}” is now {form.cleaned_data['status']}.")
    back = request.POST.get("next", "")
    if back == "list":
        return redirect("meetings:actions_list")
    return redirect(f"{action.meeting.specific.url}#action-{action.pk}")


@require_GET
def actions_list(request):
    """Open action items across the network, with filters."""
    form = agenda_forms.ActionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.actions_network(
        user=request.user,
        status=filters.get("status"), owner=filters.get("owner"), overdue=filters.get("overdue")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    actions = list(page.object_list)
    today = timezone.localdate()
    for action in actions:
        action.can_update = permissions.can_update_action(request.user, action)
        action.overdue = bool(
            action.due_date
            and action.due_date < today
            and action.status in selectors.OPEN_ACTION_STATUSES
        )
    return render(
        request,
        "meetings/actions_list.html",
        {
            "form": form,
            "page_obj": page,
            "actions": actions,
            "status_choices": ActionItem.Status.choices,
            "query": request.GET.copy(),
        },
    )


# --- Date polls, attendance, feedback ------------------------------------------------------


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


# --- Activity report ------------------------------------------------------------------------


def _report_or_404(request, report_id):
    report = selectors.activity_report_visible_to(request.user, report_id)
    if report is None:
        raise Http404("No such report")
    return report


def _report_editor_or_403(request):
    if not permissions.can_edit_activity_reports(request.user):
        raise PermissionDenied("Only the Presidency drafts the activity report.")


def _report_list_page(request, form=None, status=200):
    can_edit = permissions.can_edit_activity_reports(request.user)
    if can_edit and form is None:
        start, end, _ = default_period()
        form = ActivityReportCreateForm(initial={"period_start": start, "period_end": end})
    context = {
        "reports": list(selectors.activity_reports_visible_to(request.user)),
        "can_edit": can_edit,
        "form": form,
    }
    return render(request, "meetings/report/report_list.html", context, status=status)


@require_GET
def report_list(request):
    if not permissions.can_see_activity_reports(request.user):
        raise PermissionDenied("Activity reports are for the Presidency and the Heads of SPOC.")
    return _report_list_page(request)


@require_POST
def report_create(request):
    _report_editor_or_403(request)
    form = ActivityReportCreateForm(request.POST)
    if form.is_valid():
        try:
            report = services.activity_report_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The draft report was built from the portal's data.")
            return redirect("meetings:report_detail", report_id=report.pk)
    return _report_list_page(request, form=form, status=400)


def _report_detail_page(request, report, *, section_forms=None, error=None, status=200):
    user = request.user
    sections = selectors.activity_report_sections(report)
    can_edit = permissions.can_edit_activity_reports(user) and not report.is_approved
    section_forms = section_forms or {}
    rows = []
    for section in sections:
        form = section_forms.get(section.key)
        if can_edit and form is None:
            form = ActivityReportSectionForm(
                prefix=section.key,
                initial={"body": html_for_editing(section.body), "version": section.version},
            )
        rows.append({"section": section, "form": form if can_edit else None})
    context = {
        "report": report,
        "rows": rows,
        "can_edit": can_edit,
        "can_approve": (not report.is_approved and permissions.can_approve_activity_reports(user)),
        "wrote_report": selectors.activity_report_written_by(report, user),
        "error": error,
        "list_url": reverse("meetings:report_list"),
    }
    return render(request, "meetings/report/report_detail.html", context, status=status)


@require_GET
def report_detail(request, report_id):
    return _report_detail_page(request, _report_or_404(request, report_id))


def _to_section(report, key):
    return redirect(reverse("meetings:report_detail", args=[report.pk]) + f"#section-{key}")


@require_POST
def report_section_update(request, report_id, key):
    report = _report_or_404(request, report_id)
    _report_editor_or_403(request)
    form = ActivityReportSectionForm(request.POST, prefix=key)
    if not form.is_valid():
        return _report_detail_page(request, report, section_forms={key: form}, status=400)
    try:
        section = services.activity_report_section_update(
            actor=request.user, report=report, key=key, **form.cleaned_data
        )
    except ValidationError as error:
        # Stale version or an approved report: keep what was typed so nothing is lost.
        form.add_error(None, error)
        return _report_detail_page(request, report, section_forms={key: form}, status=409)
    messages.success(request, f"“{section.heading}” was saved.")
    return _to_section(report, key)


@require_POST
def report_section_regenerate(request, report_id, key):
    report = _report_or_404(request, report_id)
    _report_editor_or_403(request)
    try:
        section = services.activity_report_regenerate_section(
            actor=request.user, report=report, key=key, version=request.POST.get("version")
        )
    except ValidationError as error:
        return _report_detail_page(request, report, error=error, status=409)
    messages.success(request, f"“{section.heading}” was rebuilt from the current data.")
    return _to_section(report, key)


@require_POST
def report_approve(request, report_id):
    report = _report_or_404(request, report_id)
    try:
        services.activity_report_approve(actor=request.user, report=report)
    except ValidationError as error:
        return _report_detail_page(request, report, error=error, status=409)
    messages.success(request, "The report is approved and locked.")
    return redirect("meetings:report_detail", report_id=report.pk)


@require_GET
def report_pdf(request, report_id):
    report = _report_or_404(request, report_id)
    body = report_exports.report_pdf(report, selectors.activity_report_sections(report))
    return download_response(
        body, content_type=PDF_CONTENT_TYPE, filename=report_exports.export_filename(report, "pdf")
    )


@require_GET
def report_docx(request, report_id):
    report = _report_or_404(request, report_id)
    body = report_exports.report_docx(report, selectors.activity_report_sections(report))
    return download_response(
        body,
        content_type=DOCX_CONTENT_TYPE,
        filename=report_exports.export_filename(report, "docx"),
    )


@require_POST
def report_delete(request, report_id):
    report = _report_or_404(request, report_id)
    _report_editor_or_403(request)
    try:
        services.activity_report_delete(actor=request.user, report=report)
    except ValidationError as error:
        return _report_detail_page(request, report, error=error, status=409)
    messages.success(request, f"The draft “{report.title}” was deleted.")
    return redirect("meetings:report_list")
