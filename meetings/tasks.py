"""Background work of the meetings app (django-tasks): iTIP invitations and cancellations,
reminders, the chosen date of a poll. The rules live in meetings.services; these only hand
over (and always run after the transaction that asked for them has committed)."""

import datetime

from django_tasks import task

from meetings import emails, services
from meetings.models import DatePoll
from portal.models import Role, User


@task()
def send_itip_invitation(*, registration_id):
    """METHOD:REQUEST to a delegate who just took a seat."""
    return services.itip_invite_registration(registration_id=registration_id)


@task()
def send_itip_withdrawal(*, meeting_id, name, email):
    """METHOD:CANCEL to a delegate taken off the meeting."""
    return services.itip_withdraw(meeting_id=meeting_id, name=name, email=email)


@task()
def send_itip_updates(*, meeting_id):
    """A new REQUEST (or a CANCEL) to every participant after a significant change."""
    return services.itip_update_participants(meeting_id=meeting_id)


@task()
def send_meeting_reminders(now=None):
    """The reminders due at `now` (an ISO 8601 string or datetime; default: the present).
    Enqueued hourly by `manage.py send_meeting_reminders`."""
    if isinstance(now, str):
        now = datetime.datetime.fromisoformat(now)
    return services.reminders_send(now=now)


@task()
def send_date_poll_decision(*, poll_id):
    """Tell every Head of SPOC the date the Presidency picked."""
    poll = DatePoll.objects.select_related("meeting").filter(pk=poll_id).first()
    if poll is None or poll.status != DatePoll.Status.DECIDED:
        return 0
    meeting = poll.meeting
    recipients = list(
        User.objects.filter(is_active=True, groups__portal_role__role=Role.HEAD)
        .exclude(email="")
        .distinct()
        .order_by("pk")
        .values_list("email", flat=True)
    )
    return emails.send_date_poll_decision(meeting=meeting, recipients=recipients)
