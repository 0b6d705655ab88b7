"""Pages of the delivery of sessions: attendance (the organiser), evaluations (participants
answer, trainers and CEPOL read the results), certificates (participants download, any
member checks a code). Same conventions as training.views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from training import permissions_pool, selectors_delivery, services_delivery
from training.models import Attendance
from training.views import _render, _session_or_404


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
    }
    return _render(request, "training/delivery/attendance.html", context, status=status)
