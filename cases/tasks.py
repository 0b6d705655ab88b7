"""Background work of the case register (django-tasks). The rules live in cases.reminders."""

import datetime

from django_tasks import task


@task()
def send_case_reminders(now=None):
    """The deadline reminders due at `now` (ISO 8601 string or datetime; default: now).
    Enqueued hourly by `manage.py send_case_reminders`."""
    from cases import reminders

    if isinstance(now, str):
        now = datetime.datetime.fromisoformat(now)
    return reminders.send_due(now=now)
