"""Background work of the training module (django-tasks): the email of each nomination step,
calendar updates after a change of a session, the daily release of unfilled quota seats. The
rules live in training.services; these only hand over (and always run after the transaction
that asked for them has committed)."""

import datetime

from django_tasks import task

from training import services


@task()
def send_nomination_email(*, event_id):
    return services.nomination_email_send(event_id=event_id)


@task()
def send_session_updates(*, session_id):
    return services.session_updates_send(session_id=session_id)


@task()
def release_quota_seats(now=None):
    """Enqueued daily by `manage.py release_training_quotas`."""
    if isinstance(now, str):
        now = datetime.datetime.fromisoformat(now)
    return services.quota_releases_due(now=now)
