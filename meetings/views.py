"""Calendar downloads, the personal subscription feed and its reset. Thin: selectors decide
what may be seen, meetings.calendar writes the bytes."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from meetings import calendar, permissions, selectors, services
from meetings.forms import (
    ActivityReportCreateForm,
    ActivityReportSectionForm,
    DelegateForm,
    SwapForm,
)
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
    from meetings.report import default_period

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
    from meetings.report import html_for_editing

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
        "can_approve": (
            not report.is_approved and permissions.can_approve_activity_reports(user)
        ),
        "is_creator": report.created_by_id == user.pk,
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


def _export_response(body, content_type, filename):
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def report_pdf(request, report_id):
    from meetings import report_exports

    report = _report_or_404(request, report_id)
    body = report_exports.report_pdf(report, selectors.activity_report_sections(report))
    return _export_response(
        body, report_exports.PDF_CONTENT_TYPE, report_exports.export_filename(report, "pdf")
    )


@require_GET
def report_docx(request, report_id):
    from meetings import report_exports

    report = _report_or_404(request, report_id)
    body = report_exports.report_docx(report, selectors.activity_report_sections(report))
    return _export_response(
        body, report_exports.DOCX_CONTENT_TYPE, report_exports.export_filename(report, "docx")
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
