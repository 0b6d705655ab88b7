"""Training needs analysis, after CEPOL's Operational Training Needs Analysis (OTNA): the
core group of training experts opens a round for a period with a deadline; each country's
Head of SPOC (or a delegate) answers per topic; trainers read the pooled matrix.

- A round goes draft -> open -> closed. Answers are taken while it is open, up to and
  including its deadline day (portal time zone).
- `NeedsResponse` marks that a country has answered (even "no needs at all"); its
  `NeedsAnswer` rows say what is needed per topic. One answer per country, topic and round
  (database constraint); a topic left empty has no row."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from training.models.reference import Level, Profile, Urgency


class NeedsRound(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    period_start = models.DateField(help_text="First day of the period the needs are for.")
    period_end = models.DateField(help_text="Last day of the period the needs are for.")
    deadline = models.DateField(help_text="Last day on which countries can answer.")
    introduction = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    topics = models.ManyToManyField("training.TrainingTopic", related_name="needs_rounds")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-pk"]
        verbose_name = "training needs round"
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="needs_round_period_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "closed"]), name="needs_round_status"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(opened_at__isnull=False),
                name="needs_round_opened_when_not_draft",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="needs_round_closed_at_when_closed",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status == self.Status.OPEN

    def accepts_answers_on(self, day):
        return self.status == self.Status.OPEN and day <= self.deadline


class NeedsResponse(models.Model):
    """A country has answered the round (its answers may be revised until the deadline)."""

    round = models.ForeignKey(NeedsRound, on_delete=models.CASCADE, related_name="responses")
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="training_needs_responses"
    )
    first_submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["round", "country"]
        constraints = [
            models.UniqueConstraint(fields=["round", "country"], name="needs_response_once"),
        ]

    def __str__(self):
        return f"{self.country} in {self.round}"


class NeedsAnswer(models.Model):
    round = models.ForeignKey(NeedsRound, on_delete=models.CASCADE, related_name="answers")
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="training_needs_answers"
    )
    topic = models.ForeignKey(
        "training.TrainingTopic", on_delete=models.PROTECT, related_name="needs_answers"
    )
    staff_count = models.PositiveIntegerField("Staff to train")
    profile = models.CharField(max_length=20, choices=Profile.choices)
    level = models.CharField("Proficiency level", max_length=20, choices=Level.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    MAX_STAFF = 10_000

    class Meta:
        ordering = ["round", "country", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "country", "topic"], name="needs_answer_one_per_topic"
            ),
            models.CheckConstraint(
                condition=Q(staff_count__gte=1) & Q(staff_count__lte=10_000),
                name="needs_answer_staff_range",
            ),
            models.CheckConstraint(
                condition=Q(profile__in=Profile.values), name="needs_answer_profile"
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="needs_answer_level"),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="needs_answer_urgency"
            ),
        ]

    def __str__(self):
        return f"{self.country}: {self.topic} ({self.staff_count})"
