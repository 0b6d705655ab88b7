"""Enqueue the case deadline reminders. Run it hourly from cron:

    5 * * * *  cd /srv/portal && .venv/bin/python manage.py send_case_reminders

Each reminder goes once per case, threshold and deadline (cases.ReminderSent)."""

from django.core.management.base import BaseCommand

from cases.tasks import send_case_reminders


class Command(BaseCommand):
    help = "Queue the case deadline reminders that are due (due soon, overdue)."

    def handle(self, *args, **options):
        result = send_case_reminders.enqueue()
        self.stdout.write(f"Queued case reminders ({result.id}).")
