"""Nominations of SPOC staff to training sessions.

The path of a nomination:

    requested --head approves--> [awaiting_second --National Contact Point approves-->]
        -> approved (holds a seat) or waiting (on the session's waiting list)
    approved --organiser--> confirmed | declined | waiting (seat given to the next in line)
    waiting --a seat frees (withdrawal, decline, capacity raised, quota release)--> approved

and at any time before the end: withdrawn (by the participant or their head), replaced (the
head puts another person in the same place), cancelled (the session is). A refusal (head or
National Contact Point) and a decline (organiser) carry a reason.

Seats: a nomination *holds a seat* while approved or confirmed. `Session.seats_held` counts
them and the database keeps it within the capacity (check constraint); the services count and
give seats under a lock on the session row, so two heads taking the last seat at once never
overbook. Every change of state is a `NominationEvent`: who, when, from what to what, why."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from meetings.models import SentCalendarMessage


class Nomination(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Asked, waiting for the Head of SPOC"
        AWAITING_SECOND = "awaiting_second", "Waiting for the National Contact Point"
        APPROVED = "approved", "Approved, waiting for the organiser"
        WAITING = "waiting", "On the waiting list"
        CONFIRMED = "confirmed", "Confirmed"
        REFUSED = "refused", "Refused"
        DECLINED = "declined", "Declined by the organiser"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REPLACED = "replaced", "Replaced"
        CANCELLED = "cancelled", "Session cancelled"

    ACTIVE = (
        Status.REQUESTED,
        Status.AWAITING_SECOND,
        Status.APPROVED,
        Status.WAITING,
        Status.CONFIRMED,
    )
    HOLDING_SEAT = (Status.APPROVED, Status.CONFIRMED)

    session = models.ForeignKey(
        "training.Session", on_delete=models.PROTECT, related_name="nominations"
    )
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_nominations"
    )
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="training_nominations"
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    position = models.PositiveIntegerField(
        null=True, blank=True, help_text="Place on the waiting list (1 is next)."
    )
    motivation = models.TextField(blank=True)
    reason = models.TextField(blank=True, help_text="The latest refusal, decline or withdrawal.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    second_approved_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    class Meta:
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "nominee"],
                condition=Q(
                    status__in=["requested", "awaiting_second", "approved", "waiting", "confirmed"]
                ),
                name="nomination_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["session", "position"],
                condition=Q(status="waiting"),
                name="nomination_waiting_position_unique",
            ),
            models.CheckConstraint(
                condition=(Q(status="waiting") & Q(position__isnull=False) & Q(position__gte=1))
                | (~Q(status="waiting") & Q(position__isnull=True)),
                name="nomination_position_iff_waiting",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "requested",
                        "awaiting_second",
                        "approved",
                        "waiting",
                        "confirmed",
                        "refused",
                        "declined",
                        "withdrawn",
                        "replaced",
                        "cancelled",
                    ]
                ),
                name="nomination_status",
            ),
        ]

    def __str__(self):
        return f"{self.nominee} for {self.session}"

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def holds_seat(self):
        return self.status in self.HOLDING_SEAT


class NominationEvent(models.Model):
    """One change of a nomination's state: who made it (None: the portal itself, e.g. the
    release of quota seats), when, and why."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Nomination.Status.choices)
    note = models.TextField(blank=True, help_text="What happened, in words for the history.")
    reason = models.TextField(blank=True, help_text="The reason given by the person who acted.")

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.nomination}: {self.from_status or 'new'} -> {self.to_status}"

    @property
    def to_label(self):
        return Nomination.Status(self.to_status).label


class TrainingCalendarMessage(SentCalendarMessage):
    """The last iTIP message mailed to a participant for a session."""

    session = models.ForeignKey(
        "training.Session", on_delete=models.CASCADE, related_name="calendar_messages"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"], name="training_calendar_message_latest"
            ),
            models.CheckConstraint(
                condition=Q(method__in=["REQUEST", "CANCEL"]),
                name="training_calendar_message_method",
            ),
        ]
