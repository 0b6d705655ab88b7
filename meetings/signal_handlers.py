"""Only hand-offs live here: Wagtail signals page publication from the admin, workflows and
the scheduled publisher alike, so the calendar identity is kept in step from the signal by a
service (the rule itself is in meetings.services.meeting_calendar_sync)."""

from django.dispatch import receiver
from wagtail.signals import page_published

from meetings.models import MeetingPage
from meetings.services import meeting_calendar_sync, meeting_delegate_cap_change


@receiver(page_published, sender=MeetingPage)
def sync_calendar_identity(sender, instance, **kwargs):
    meeting_calendar_sync(meeting=instance)


# --- Agenda: a raised delegate cap fills the new seats from the waiting lists --------------


@receiver(page_published, sender=MeetingPage)
def fill_seats_after_cap_change(sender, instance, **kwargs):
    meeting_delegate_cap_change(meeting=instance)
