"""Only hand-offs live here: Wagtail signals page publication from the admin, workflows and
the scheduled publisher alike, so the email is queued from the signal and sent by a task;
allauth removes second factors in its own views and says so only by signal."""

from allauth.mfa.signals import authenticator_removed
from django.dispatch import receiver
from wagtail.signals import page_published

from portal.models import UpdatePage


@receiver(page_published, sender=UpdatePage)
def queue_update_email(sender, instance, **kwargs):
    from portal.services import update_email_queue

    update_email_queue(page=instance)


@receiver(authenticator_removed)
def revoke_tokens_when_a_factor_is_removed(sender, user, **kwargs):
    from portal.services import user_tokens_revoke

    user_tokens_revoke(user=user)
