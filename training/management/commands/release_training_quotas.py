"""Enqueue the release of unfilled quota seats. Run it daily from cron:

    5 0 * * *  cd /srv/portal && .venv/bin/python manage.py release_training_quotas

Each session's seats are released once (Session.quota_released_at), so running it more often
is harmless; any seat operation on a session past its release day also releases them."""

from django.core.management.base import BaseCommand

from training.tasks import release_quota_seats


class Command(BaseCommand):
    help = "Queue the release of unfilled per-country quota seats of training sessions."

    def handle(self, *args, **options):
        result = release_quota_seats.enqueue()
        self.stdout.write(f"Queued the release of training quota seats ({result.id}).")
