"""Certificates of attendance: issuing (once per participant, with a random verification
code), the PDF (WeasyPrint through portal.exports, as training.exports does the needs
matrix) and the check of a code. Decision: an attendee is a confirmed participant marked
attended or partly on at least one day; the certificate lists the days they attended."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from portal.exports import render_pdf
from training import permissions_pool
from training.models import Attendance, Certificate, Nomination
from training.models.certificates import normalise_code
from training.selectors_delivery import is_attendee


def eligibility_problem(nomination, now=None):
    """Why the nomination has no certificate (a sentence), or None when it may have one."""
    if nomination.status != Nomination.Status.CONFIRMED:
        return "Only confirmed participants get a certificate."
    if (now or timezone.now()) < nomination.session.local_end:
        return "The certificate is issued once the session is over."
    if not is_attendee(nomination):
        return "No attendance was recorded for this participant: ask the organiser."
    return None


@transaction.atomic
def certificate_issue(*, actor, nomination, now=None):
    """The nomination's certificate, issued on first request (the same one afterwards)."""
    nomination = Nomination.objects.select_related("session__course").get(pk=nomination.pk)
    if not permissions_pool.can_see_certificate(actor, nomination):
        raise PermissionDenied("This certificate is not yours.")
    existing = Certificate.objects.filter(nomination=nomination).first()
    if existing is not None:
        return existing
    problem = eligibility_problem(nomination, now)
    if problem:
        raise ValidationError(problem)
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                nomination=nomination, issued_by=actor, issued_at=now or timezone.now()
            )
    except IntegrityError:  # issued at the same moment by another request
        return Certificate.objects.get(nomination=nomination)


def days_attended(nomination):
    return list(
        Attendance.objects.filter(nomination=nomination, status__in=Attendance.PRESENT)
        .order_by("day")
        .values_list("day", "status")
    )


def verify_url(certificate=None):
    path = reverse("training:certificate_verify")
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
    return f"{base}?code={certificate.display_code}" if certificate else base


def certificate_pdf(certificate):
    nomination = certificate.nomination
    session = nomination.session
    return render_pdf(
        "training/pdf/certificate.html",
        {
            "title": f"Certificate of attendance: {session.course.title}",
            "certificate": certificate,
            "nomination": nomination,
            "session": session,
            "course": session.course,
            "days": days_attended(nomination),
            "verify_url": verify_url(certificate),
            "generated_at": timezone.localtime(),
        },
    )


def certificate_lookup(code):
    """The certificate with this code (typed with or without hyphens, any case), or None."""
    code = normalise_code(code)
    if not code:
        return None
    return (
        Certificate.objects.select_related(
            "nomination__nominee", "nomination__country", "nomination__session__course"
        )
        .filter(code=code)
        .first()
    )
