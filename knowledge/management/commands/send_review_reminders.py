"""Queue the monthly reminder of overdue fact sheets (run by cron on the 1st of each month;
running it again in the same month sends nothing new)."""

from django.core.management.base import BaseCommand

from knowledge.tasks import remind_overdue_fact_sheets


class Command(BaseCommand):
    help = "Queue the monthly email to national editors about their overdue fact sheets."

    def handle(self, *args, **options):
        result = remind_overdue_fact_sheets.enqueue()
        self.stdout.write(f"Queued the review reminders (task {result.id}).")
