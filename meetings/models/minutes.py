"""Minutes and conclusions of a meeting: every save is a new numbered version; approval
locks them (no further version can be written once `approved_at` is set)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Minutes(models.Model):
    meeting = models.OneToOneField(
        "meetings.MeetingPage", on_delete=models.CASCADE, related_name="minutes"
    )
    approved_version = models.OneToOneField(
        "meetings.MinutesVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=(Q(approved_at__isnull=True) & Q(approved_version__isnull=True))
                | (Q(approved_at__isnull=False) & Q(approved_version__isnull=False)),
                name="minutes_approved_with_version",
            ),
        ]

    def __str__(self):
        return f"Minutes of {self.meeting}"

    @property
    def is_approved(self):
        return self.approved_at is not None


class MinutesVersion(models.Model):
    """One saved version. `minutes_text` and `conclusions` are sanitised HTML (nh3) or plain
    text, as written by meetings.services."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    minutes_text = models.TextField("minutes", blank=True)
    conclusions = models.TextField(blank=True)
    change_note = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["minutes", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="minutes_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="minutes_version_positive"),
        ]

    def __str__(self):
        return f"{self.minutes} v{self.number}"
