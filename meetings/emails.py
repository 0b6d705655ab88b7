"""The meetings app's emails (sent from meetings.tasks, never inside a web request). Bodies
are plain-text templates under meetings/templates/meetings/email/."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone

SUBJECT_PREFIX = "[SPOC Network] "


class CalendarEmail(EmailMultiAlternatives):
    """An email whose text/calendar alternative carries its iTIP method unquoted:
    `Content-Type: text/calendar; method=REQUEST; charset=utf-8`, as calendar clients expect."""

    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)
        if mimetype.startswith("text/calendar"):
            part.replace_header("Content-Type", f"{mimetype}; charset=utf-8")
        return part


def meeting_url(meeting):
    parts = meeting.get_url_parts()
    path = parts[2] if parts else "/"
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def _when(meeting):
    start, end = meeting.local_start, meeting.local_end
    if meeting.all_day:
        if meeting.first_day == meeting.last_day:
            return f"{meeting.first_day:%A %-d %B %Y} (all day)"
        return f"{meeting.first_day:%A %-d %B %Y} – {meeting.last_day:%A %-d %B %Y} (all day)"
    if start.date() == end.date():
        return f"{start:%A %-d %B %Y, %H:%M} – {end:%H:%M} ({meeting.time_zone} time)"
    return f"{start:%A %-d %B %Y, %H:%M} – {end:%A %-d %B %Y, %H:%M} ({meeting.time_zone} time)"


def _context(meeting, **extra):
    return {
        "meeting": meeting,
        "when": _when(meeting),
        "link": meeting_url(meeting),
        "site_name": settings.WAGTAIL_SITE_NAME,
        **extra,
    }


def send_itip_email(*, meeting, name, email, method, ics):
    """An invitation (REQUEST) or cancellation (CANCEL), with the calendar as a
    `text/calendar; method=...` alternative part."""
    if method == "REQUEST":
        subject = f"Invitation: {meeting.title}"
        template = "meetings/email/itip_request.txt"
    else:
        subject = f"Cancelled: {meeting.title}"
        template = "meetings/email/itip_cancel.txt"
    body = render_to_string(
        template, _context(meeting, name=name, whole_meeting=meeting.is_cancelled)
    )
    message = CalendarEmail(subject=SUBJECT_PREFIX + subject, body=body, to=[email])
    text = ics.decode("utf-8") if isinstance(ics, bytes) else ics
    message.attach_alternative(text, f"text/calendar; method={method}")
    message.send()


def send_registration_reminder(*, meeting, user):
    deadline = timezone.localtime(meeting.registration_deadline, meeting.tzinfo)
    body = render_to_string(
        "meetings/email/registration_reminder.txt",
        _context(meeting, user=user, deadline=f"{deadline:%A %-d %B %Y, %H:%M}"),
    )
    EmailMultiAlternatives(
        subject=f"{SUBJECT_PREFIX}Register your delegation: {meeting.title}",
        body=body,
        to=[user.email],
    ).send()


def send_meeting_reminder(*, meeting, registration):
    body = render_to_string(
        "meetings/email/meeting_reminder.txt", _context(meeting, registration=registration)
    )
    EmailMultiAlternatives(
        subject=f"{SUBJECT_PREFIX}In two days: {meeting.title}",
        body=body,
        to=[registration.email],
    ).send()


def send_date_poll_decision(*, meeting, recipients):
    """The chosen date, to the Heads of SPOC (one message each)."""
    body = render_to_string("meetings/email/date_poll_decided.txt", _context(meeting))
    with get_connection() as connection:
        connection.send_messages(
            [
                EmailMultiAlternatives(
                    subject=f"{SUBJECT_PREFIX}Date chosen: {meeting.title}",
                    body=body,
                    to=[address],
                    connection=connection,
                )
                for address in recipients
            ]
        )
    return len(recipients)
