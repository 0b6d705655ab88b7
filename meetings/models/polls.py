"""Date polls: before the date is fixed, the Presidency offers candidate dates; each country
answers each candidate once, through its Head of SPOC; the Presidency then picks one and the
meeting takes its dates."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class DatePoll(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        DECIDED = "decided", "Date chosen"

    meeting = models.OneToOneField(
        "meetings.MeetingPage", on_delete=models.CASCADE, related_name="date_poll"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    closes_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    chosen_option = models.OneToOneField(
        "meetings.DatePollOption",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "closed", "decided"]), name="poll_status_known"
            ),
            models.CheckConstraint(
                condition=(Q(status="decided") & Q(chosen_option__isnull=False))
                | (~Q(status="decided") & Q(chosen_option__isnull=True)),
                name="poll_chosen_iff_decided",
            ),
        ]

    def __str__(self):
        return f"Date poll for {self.meeting}"


class DatePollOption(models.Model):
    """A candidate date: start and end as aware datetimes (in the meeting's time zone when
    shown)."""

    poll = models.ForeignKey(DatePoll, on_delete=models.CASCADE, related_name="options")
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="poll_option_ends_after"),
            models.UniqueConstraint(fields=["poll", "start", "end"], name="poll_option_unique"),
        ]

    def __str__(self):
        return f"{self.start:%Y-%m-%d %H:%M} – {self.end:%Y-%m-%d %H:%M}"


class DatePollAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        IF_NEED_BE = "if_need_be", "If need be"
        NO = "no", "No"

    option = models.ForeignKey(DatePollOption, on_delete=models.CASCADE, related_name="answers")
    country = models.ForeignKey("portal.Country", on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["option", "country"], name="poll_answer_one_per_country"
            ),
            models.CheckConstraint(
                condition=Q(answer__in=["yes", "if_need_be", "no"]), name="poll_answer_known"
            ),
        ]

    def __str__(self):
        return f"{self.country}: {self.get_answer_display()}"
