"""Pages of the delivery of sessions: attendance (the organiser), evaluations (participants
answer, trainers and CEPOL read the results), certificates (participants download, any
member checks a code). Same conventions as training.views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage

from portal import ratelimits
from portal.exports import PDF_CONTENT_TYPE, download_response
from training import (
    certificates,
    conf,
    permissions_pool,
    selectors,
    selectors_delivery,
    services_delivery,
    services_evaluations,
)
from training.forms_pool import EvaluationForm
from training.models import (
    Attendance,
    EvaluationKind,
    EvaluationResponse,
    Nomination,
    Questionnaire,
)
from training.models.evaluations import questionnaire_kind
from training.views import _course_or_404, _form_error, _render, _session_or_404


def _attendance_field(nomination_id, day):
    return f"a-{nomination_id}-{day.isoformat()}"


@require_http_methods(["GET", "POST"])
def attendance(request, session_id):
    session = _session_or_404(request, session_id)
    if not permissions_pool.can_record_attendance(request.user, session):
        raise PermissionDenied("Attendance is recorded by the course's organiser.")
    today = services_delivery.venue_today(session)
    status = 200
    if request.method == "POST":
        days, rows = selectors_delivery.attendance_sheet(session)
        marks = {}
        for row in rows:
            for day, _current in row.cells:
                if day > today:
                    continue  # no field on the page for a day to come
                name = _attendance_field(row.nomination.pk, day)
                if name in request.POST:
                    marks[(row.nomination.pk, day)] = request.POST.get(name, "")
        try:
            changed = services_delivery.attendance_record(
                actor=request.user, session=session, marks=marks
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            messages.success(
                request, f"Attendance saved ({changed} change{'s' if changed != 1 else ''})."
            )
            return redirect(reverse("training:attendance", args=[session.pk]))
    days, rows = selectors_delivery.attendance_sheet(session)
    context = {
        "session": session,
        "course": session.course,
        "days": days,
        "rows": [
            {
                "row": row,
                "cells": [
                    {
                        "day": day,
                        "status": value,
                        "name": _attendance_field(row.nomination.pk, day),
                        "open": day <= today,
                    }
                    for day, value in row.cells
                ],
            }
            for row in rows
        ],
        "choices": Attendance.Status.choices,
        "started": today >= session.first_day,
        "ended": timezone.now() >= session.local_end,
    }
    return _render(request, "training/delivery/attendance.html", context, status=status)


# --- Evaluations ----------------------------------------------------------------------------


def _own_nomination_or_404(request, nomination_id):
    nomination = (
        Nomination.objects.select_related("session__course")
        .filter(pk=nomination_id, nominee=request.user, status=Nomination.Status.CONFIRMED)
        .first()
    )
    if nomination is None:
        raise Http404("No such evaluation")
    return nomination


@require_GET
def evaluation_list(request):
    context = {"evaluations": selectors_delivery.own_evaluations(user=request.user)}
    return _render(request, "training/delivery/evaluation_list.html", context)


@require_http_methods(["GET", "POST"])
def evaluation_answer(request, nomination_id, kind):
    if kind not in EvaluationKind.values:
        raise Http404("No such evaluation")
    nomination = _own_nomination_or_404(request, nomination_id)
    session = nomination.session
    answered = EvaluationResponse.objects.filter(nomination=nomination, kind=kind).first()
    questionnaire = Questionnaire.current(questionnaire_kind(kind))
    context = {
        "nomination": nomination,
        "session": session,
        "course": session.course,
        "kind": EvaluationKind(kind),
        "answered": answered,
        "questionnaire": questionnaire,
        "open": services_evaluations.may_answer(request.user, nomination, kind),
        "opens_on": services_evaluations.opens_on(session, kind),
    }
    if answered or not context["open"] or questionnaire is None:
        return _render(request, "training/delivery/evaluation_answer.html", context)
    questions = list(questionnaire.questions.all())
    status = 200
    if request.method == "POST":
        form = EvaluationForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                services_evaluations.evaluation_submit(
                    actor=request.user, nomination=nomination, kind=kind, answers=form.answers()
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, "Thank you: your answers were sent.")
                return redirect("training:evaluation_list")
        status = 400
    else:
        form = EvaluationForm(questions=questions)
    context["form"] = form
    return _render(request, "training/delivery/evaluation_answer.html", context, status=status)


def _results_page(request, *, course, sessions, session=None):
    if not permissions_pool.can_see_evaluation_results(request.user, course):
        raise PermissionDenied(
            "Evaluation results are for the trainers (and CEPOL for its courses)."
        )
    context = {
        "course": course,
        "session": session,
        "sessions": sessions,
        "results": selectors_delivery.evaluation_results(sessions),
    }
    return _render(request, "training/delivery/evaluation_results.html", context)


@require_GET
def session_evaluation_results(request, session_id):
    session = _session_or_404(request, session_id)
    return _results_page(request, course=session.course, sessions=[session], session=session)


@require_GET
def course_evaluation_results(request, course_id):
    course = _course_or_404(request, course_id)
    sessions = list(selectors.sessions_of_course(user=request.user, course=course))
    return _results_page(request, course=course, sessions=sessions)


# --- Certificates ---------------------------------------------------------------------------


@require_GET
def certificate_pdf(request, nomination_id):
    """The participant's certificate (issued on first download); 404 for anyone who may not
    see the nomination."""
    nomination = selectors.nomination_for(request.user, nomination_id)
    if nomination is None or not permissions_pool.can_see_certificate(request.user, nomination):
        raise Http404("No such certificate")
    try:
        certificate = certificates.certificate_issue(actor=request.user, nomination=nomination)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("training:session_detail", session_id=nomination.session_id)
    return download_response(
        certificates.certificate_pdf(certificate),
        content_type=PDF_CONTENT_TYPE,
        filename=f"certificate-{certificate.display_code}.pdf",
    )


def _verification_limited(request):
    """A 429 when the member checked too many codes (django-ratelimit, as portal.ratelimits
    does for searches and exports), else None."""
    rate = conf.certificate_verify_rate()
    if not rate:
        return None
    usage = get_usage(
        request,
        group="training.certificate_verify",
        key=ratelimits._client_key,
        rate=rate,
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return None
    return ratelimits.too_many_requests(request, retry_after=max(1, int(usage["time_left"])))


@require_GET
def certificate_verify(request):
    code = (request.GET.get("code") or "").strip()[:40]
    context = {"code": code, "checked": bool(code), "certificate": None, "days": []}
    status = 200
    if code:
        limited = _verification_limited(request)
        if limited is not None:
            return limited
        certificate = certificates.certificate_lookup(code)
        if certificate is None:
            status = 404
        else:
            context["certificate"] = certificate
            context["days"] = certificates.days_attended(certificate.nomination)
    return _render(request, "training/delivery/certificate_verify.html", context, status=status)
