"""Enqueue the evaluation invitations of training sessions. Run it daily from cron:

    15 7 * * *  cd /srv/portal && .venv/bin/python manage.py send_training_evaluations

It emails participants whose evaluation opened (the session ended; 3 months; 6 months after
its last day) and who were not invited yet; each invitation is sent once per participant and
kind (training.models.EvaluationInvitation), so running it more often is harmless."""

from django.core.management.base import BaseCommand

from training.tasks_delivery import send_evaluation_invitations


class Command(BaseCommand):
    help = "Queue the evaluation invitations (after the session, 3 and 6 months later)."

    def handle(self, *args, **options):
        result = send_evaluation_invitations.enqueue()
        self.stdout.write(f"Queued the training evaluation invitations ({result.id}).")
