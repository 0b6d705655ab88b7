"""Enqueue the meeting reminders task. Run it hourly from cron:

    15 * * * *  cd /srv/portal && .venv/bin/python manage.py send_meeting_reminders

Each reminder goes once (meetings.ReminderSent), so running it more often is harmless."""

from django.core.management.base import BaseCommand

from meetings.tasks import send_meeting_reminders


class Command(BaseCommand):
    help = "Queue the meeting reminders that are due (registration deadline, meeting in 2 days)."

    def handle(self, *args, **options):
        result = send_meeting_reminders.enqueue()
        self.stdout.write(f"Queued meeting reminders ({result.id}).")
