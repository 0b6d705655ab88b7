"""The network's activity report to the Council's DAPIX working party: built as a draft from
the stored data for a period (by default the Presidency semester), edited section by section
by the Presidency, then approved and locked. Writes go through meetings.services; the draft's
content is built by meetings.report."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class ActivityReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"

    title = models.CharField(max_length=255)
    period_start = models.DateField()
    period_end = models.DateField()
    presidency = models.ForeignKey(
        "portal.PresidencyTerm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activity_reports",
        help_text="The Presidency submitting the report.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Everyone who created or edited any section, kept for the four-eyes rule: the approver
    # must be none of them (a section's updated_by keeps only its last editor).
    editors = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["-period_start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "approved"]), name="report_status_known"
            ),
            # Approved reports, and only they, carry the moment they were approved.
            models.CheckConstraint(
                condition=(Q(status="approved") & Q(approved_at__isnull=False))
                | (Q(status="draft") & Q(approved_at__isnull=True)),
                name="report_approved_at_iff_approved",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="report_title_set"),
            # One report per period: a second one would tell DAPIX two stories.
            models.UniqueConstraint(
                fields=["period_start", "period_end"], name="report_one_per_period"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_approved(self):
        return self.status == self.Status.APPROVED

    @property
    def period_slug(self):
        """`2026-H2` for a calendar half-year (a Presidency semester), else the two dates."""
        start, end = self.period_start, self.period_end
        if start.year == end.year:
            if (start.month, start.day, end.month, end.day) == (1, 1, 6, 30):
                return f"{start.year}-H1"
            if (start.month, start.day, end.month, end.day) == (7, 1, 12, 31):
                return f"{start.year}-H2"
        return f"{start:%Y-%m-%d}_{end:%Y-%m-%d}"


class ActivityReportSection(models.Model):
    """One numbered section of a report. `body` is sanitised HTML (nh3, see
    meetings.services). `version` goes up on every save: an edit based on an older version is
    refused (optimistic locking), so two editors never overwrite each other silently."""

    report = models.ForeignKey(ActivityReport, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField()
    key = models.SlugField(max_length=50)
    heading = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="report_section_key_unique"),
            models.UniqueConstraint(
                fields=["report", "position"], name="report_section_position_unique"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="report_section_version"),
            models.CheckConstraint(condition=~Q(heading=""), name="report_section_heading_set"),
        ]

    def __str__(self):
        return f"{self.report}: {self.heading}"
