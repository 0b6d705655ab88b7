"""After (and around) a meeting: attendance, feedback, and the log of reminders sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Attendance(models.Model):
    """Who came: one row per registered delegate, recorded by the organisers after the
    meeting (`present` False records an announced absence)."""

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        REMOTE = "remote", "Remote"

    registration = models.OneToOneField(
        "meetings.Registration", on_delete=models.CASCADE, related_name="attendance_record"
    )
    present = models.BooleanField()
    mode = models.CharField(max_length=10, choices=Mode.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(present=True) & Q(mode__in=["in_person", "remote"]))
                | (Q(present=False) & Q(mode="")),
                name="attendance_mode_iff_present",
            ),
        ]

    def __str__(self):
        return f"{self.registration.name}: {'present' if self.present else 'absent'}"


class Feedback(models.Model):
    """A short feedback form after the meeting, one per participant."""

    meeting = models.ForeignKey(
        "meetings.MeetingPage", on_delete=models.CASCADE, related_name="feedback"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_feedback"
    )
    rating = models.PositiveSmallIntegerField(help_text="1 (poor) to 5 (excellent)")
    useful_topics = models.TextField(blank=True)
    suggestions = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="feedback_one_per_user"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_range"
            ),
        ]

    def __str__(self):
        return f"Feedback on {self.meeting}"


class ReminderSent(models.Model):
    """Each reminder email goes once: the unique key is meeting + kind + address."""

    class Kind(models.TextChoices):
        REGISTRATION = "registration", "Registration closes in a week"
        MEETING = "meeting", "Meeting in two days"

    meeting = models.ForeignKey(
        "meetings.MeetingPage", on_delete=models.CASCADE, related_name="reminders_sent"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    email = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "kind", "email"], name="reminder_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email}"


class SentCalendarMessage(models.Model):
    """The last iTIP message (REQUEST or CANCEL) mailed to one address about one event (a
    meeting, a training session), with its SEQUENCE, so that a change is announced once and
    never with a lower sequence (meetings.services.itip_sequence_record). A concrete model
    adds the event as a foreign key with related_name="calendar_messages"."""

    email = models.EmailField()
    method = models.CharField(max_length=10)
    sequence = models.PositiveIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.method} #{self.sequence} to {self.email}"


class CalendarMessageSent(SentCalendarMessage):
    """The last iTIP message mailed to a participant for a meeting."""

    meeting = models.ForeignKey(
        "meetings.MeetingPage", on_delete=models.CASCADE, related_name="calendar_messages"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="calendar_message_latest"),
            models.CheckConstraint(
                condition=Q(method__in=["REQUEST", "CANCEL"]), name="calendar_message_method"
            ),
        ]
