"""Attendance of a session's confirmed participants, one record per participant and day,
recorded by the organiser: attended, partly (came late, left early, missed a part) or no-show.
A participant with attended or partly on at least one day is an attendee (certificates)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Attendance(models.Model):
    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        PARTLY = "partly", "Partly"
        NO_SHOW = "no_show", "No-show"

    PRESENT = (Status.ATTENDED, Status.PARTLY)

    nomination = models.ForeignKey(
        "training.Nomination", on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["nomination", "day"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "day"], name="attendance_once_per_day"),
            models.CheckConstraint(
                condition=Q(status__in=["attended", "partly", "no_show"]),
                name="attendance_status",
            ),
        ]

    def __str__(self):
        return f"{self.nomination}: {self.day} {self.get_status_display()}"
