"""Background work of the delivery of sessions (django-tasks): the evaluation invitations.
Enqueued daily by `manage.py send_training_evaluations`; idempotent (see
training.services_evaluations)."""

import datetime

from django_tasks import task

from training import services_evaluations


@task()
def send_evaluation_invitations(now=None):
    if isinstance(now, str):
        now = datetime.datetime.fromisoformat(now)
    return services_evaluations.evaluation_invitations_send(now=now)
