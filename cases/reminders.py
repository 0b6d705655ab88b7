"""Deadline reminders (Art. 16(1)(e): adequate and swift follow-up of incoming requests).

Run hourly (cases.tasks.send_case_reminders, queued by `manage.py send_case_reminders`). For
every open incoming case whose clock runs: "due soon" when the deadline is within a day (two
hours for an 8-hour request), "overdue" once it has passed; each once per case, threshold and
deadline (a deadline moved by a pause can be reminded again). The email names the case number,
the counterpart and the deadline only: no personal data leaves the portal by email."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import deadlines, permissions
from cases.choices import OPEN_STATUSES, Direction, Status
from cases.models import Case, ReminderSent
from portal.models import Role, User


def _recipients(case, threshold):
    if case.assigned_to_id and case.assigned_to.is_active and case.assigned_to.email:
        people = [case.assigned_to]
    else:
        people = list(
            User.objects.filter(
                is_active=True,
                organisation__country=case.country,
                groups__portal_role__role__in=permissions.CASE_ROLES,
            )
            .exclude(email="")
            .distinct()
            .order_by("pk")
        )
    if threshold == ReminderSent.Threshold.OVERDUE:
        heads = User.objects.filter(
            is_active=True, organisation__country=case.country, groups__portal_role__role=Role.HEAD
        ).exclude(email="")
        people += [h for h in heads if h not in people]
    return sorted({p.email for p in people})


def _send(case, threshold, now):
    zone = deadlines.zone_for(case.country.code)
    due = timezone.localtime(case.due_at, zone)
    url = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + case.get_absolute_url()
    if threshold == ReminderSent.Threshold.OVERDUE:
        subject = f"[SPOC Network] Overdue: case {case.number}"
        lead = f"The deadline of case {case.number} passed on {due:%d %B %Y at %H:%M} ({zone.key})."
    else:
        subject = f"[SPOC Network] Due soon: case {case.number}"
        lead = f"Case {case.number} is due on {due:%d %B %Y at %H:%M} ({zone.key})."
    body = (
        f"{lead}\n\nRequest from: {case.counterpart_label}\nPriority: "
        f"{'urgent' if case.urgent else 'not urgent'}\n\nOpen the case: {url}\n"
    )
    return send_mail(subject, body, None, _recipients(case, threshold))


def send_due(*, now=None):
    """Send the reminders due at `now`; returns how many emails went out."""
    now = now or timezone.now()
    sent = 0
    running = (
        Case.objects.filter(
            direction=Direction.INCOMING, status__in=OPEN_STATUSES - {Status.WAITING}
        )
        .filter(due_at__lte=now + deadlines.SOON)
        .select_related("country", "assigned_to", "counterpart_country")
        .order_by("due_at", "pk")
    )
    for case in running:
        window = (
            deadlines.SOON_URGENT
            if case.urgent and case.information_access == "direct"
            else (deadlines.SOON)
        )
        if case.due_at <= now:
            threshold = ReminderSent.Threshold.OVERDUE
        elif case.due_at <= now + window:
            threshold = ReminderSent.Threshold.SOON
        else:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    case=case, threshold=threshold, due_at=case.due_at, sent_at=now
                )
                sent += 1 if _send(case, threshold, now) else 0
        except IntegrityError:
            continue  # already reminded of this deadline
    return sent
