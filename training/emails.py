"""The training module's emails (sent from training.tasks, never inside a web request):
one per step of a nomination, with the calendar message when there is one (as a
`text/calendar; method=...` alternative, the way meetings send theirs). Bodies are
plain-text templates under training/templates/training/email/."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from meetings.emails import SUBJECT_PREFIX, CalendarEmail
from training.calendar import session_url
from training.models import Nomination

N = Nomination.Status

SUBJECTS = {
    N.REQUESTED: "Nomination request: {course}",
    N.AWAITING_SECOND: "Nomination to approve: {course}",
    N.APPROVED: "Nomination approved: {course}",
    N.WAITING: "On the waiting list: {course}",
    N.CONFIRMED: "Confirmed: {course}",
    N.REFUSED: "Nomination refused: {course}",
    N.DECLINED: "Nomination declined: {course}",
    N.WITHDRAWN: "Nomination withdrawn: {course}",
    N.REPLACED: "Nomination replaced: {course}",
    N.CANCELLED: "Session cancelled: {course}",
}


def _when(session):
    first, last = session.first_day, session.last_day
    hours = f"{session.daily_start:%H:%M}–{session.daily_end:%H:%M} ({session.time_zone} time)"
    if first == last:
        return f"{first:%A %-d %B %Y}, {hours}"
    return f"{first:%A %-d %B %Y} – {last:%A %-d %B %Y}, each day {hours}"


def _context(session, **extra):
    return {
        "session": session,
        "course": session.course,
        "when": _when(session),
        "link": session_url(session),
        "site_name": settings.WAGTAIL_SITE_NAME,
        **extra,
    }


def send_nomination_email(*, event, recipient, ics=None, method=None):
    nomination = event.nomination
    session = nomination.session
    subject = SUBJECTS[event.to_status].format(course=session.course.title)
    body = render_to_string(
        "training/email/nomination.txt",
        _context(
            session,
            event=event,
            nomination=nomination,
            recipient=recipient,
            to_nominee=recipient.pk == nomination.nominee_id,
            calendar=method if ics else None,
            reason=event.reason,
        ),
    )
    if ics:
        message = CalendarEmail(subject=SUBJECT_PREFIX + subject, body=body, to=[recipient.email])
        text = ics.decode("utf-8") if isinstance(ics, bytes) else ics
        message.attach_alternative(text, f"text/calendar; method={method}")
    else:
        message = EmailMultiAlternatives(
            subject=SUBJECT_PREFIX + subject, body=body, to=[recipient.email]
        )
    message.send()


def send_session_update(*, session, recipient, ics):
    body = render_to_string(
        "training/email/session_update.txt", _context(session, recipient=recipient)
    )
    message = CalendarEmail(
        subject=f"{SUBJECT_PREFIX}Changed: {session.course.title}",
        body=body,
        to=[recipient.email],
    )
    text = ics.decode("utf-8") if isinstance(ics, bytes) else ics
    message.attach_alternative(text, "text/calendar; method=REQUEST")
    message.send()
