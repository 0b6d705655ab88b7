"""Evaluations of sessions by their participants.

A questionnaire (a Wagtail snippet under Training, managed by the trainers) is an ordered
list of questions, each a Likert question (1 = strongly disagree ... 5 = strongly agree) or a
free-text one. There are two kinds: the evaluation right after the session, and the
follow-up sent 3 and 6 months later that asks about the transfer to the job. The active
questionnaire of a kind (the latest one when several are ticked active) is the one
participants get; answers keep the questionnaire and the questions they answered.

One answer per participant (nomination) and evaluation kind is a database constraint; a
participant's answers are never shown with their name (the results are aggregates)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

LIKERT = [
    (1, "1 – strongly disagree"),
    (2, "2 – disagree"),
    (3, "3 – neither agree nor disagree"),
    (4, "4 – agree"),
    (5, "5 – strongly agree"),
]


class Questionnaire(ClusterableModel):
    class Kind(models.TextChoices):
        SESSION = "session", "After the session"
        FOLLOW_UP = "follow_up", "Follow-up (3 and 6 months later): transfer to the job"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    introduction = models.TextField(blank=True)
    active = models.BooleanField(
        default=True, help_text="Participants get the latest active questionnaire of its kind."
    )
    updated_at = models.DateTimeField(default=timezone.now)

    panels = [
        FieldPanel("title"),
        FieldPanel("kind"),
        FieldPanel("introduction"),
        FieldPanel("active"),
        InlinePanel("questions", label="Questions", min_num=1),
    ]

    class Meta:
        ordering = ["kind", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["session", "follow_up"]), name="questionnaire_kind"
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_kind_display()})"

    @classmethod
    def current(cls, kind):
        return cls.objects.filter(kind=kind, active=True).order_by("-pk").first()


class Question(Orderable):
    class Kind(models.TextChoices):
        LIKERT = "likert", "Likert scale 1–5"
        TEXT = "text", "Free text"

    questionnaire = ParentalKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LIKERT)
    required = models.BooleanField(default=True)

    panels = [FieldPanel("text"), FieldPanel("kind"), FieldPanel("required")]

    class Meta(Orderable.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["likert", "text"]), name="question_kind"),
        ]

    def __str__(self):
        return self.text

    @property
    def is_likert(self):
        return self.kind == self.Kind.LIKERT


class EvaluationKind(models.TextChoices):
    SESSION = "session", "Evaluation of the session"
    FOLLOW_UP_3 = "follow_up_3", "Follow-up after 3 months"
    FOLLOW_UP_6 = "follow_up_6", "Follow-up after 6 months"


# Months after the session's last day at which each evaluation opens.
EVALUATION_MONTHS = {
    EvaluationKind.SESSION: 0,
    EvaluationKind.FOLLOW_UP_3: 3,
    EvaluationKind.FOLLOW_UP_6: 6,
}


def questionnaire_kind(evaluation_kind):
    if evaluation_kind == EvaluationKind.SESSION:
        return Questionnaire.Kind.SESSION
    return Questionnaire.Kind.FOLLOW_UP


class EvaluationResponse(models.Model):
    nomination = models.ForeignKey(
        "training.Nomination", on_delete=models.CASCADE, related_name="evaluations"
    )
    kind = models.CharField(max_length=12, choices=EvaluationKind.choices)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["nomination", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "kind"], name="evaluation_one_per_participant_and_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["session", "follow_up_3", "follow_up_6"]),
                name="evaluation_kind",
            ),
        ]

    def __str__(self):
        return f"{self.nomination}: {self.get_kind_display()}"


class EvaluationAnswer(models.Model):
    response = models.ForeignKey(
        EvaluationResponse, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="evaluation_answer_once"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=5)),
                name="evaluation_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.question}: {self.score if self.score is not None else self.text[:40]}"


class EvaluationInvitation(models.Model):
    """The email asking a participant to answer an evaluation: sent once per participant and
    kind (the row is written in the transaction that sends it)."""

    nomination = models.ForeignKey(
        "training.Nomination", on_delete=models.CASCADE, related_name="evaluation_invitations"
    )
    kind = models.CharField(max_length=12, choices=EvaluationKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "kind"], name="evaluation_invitation_once"
            ),
        ]

    def __str__(self):
        return f"{self.nomination}: {self.get_kind_display()} sent {self.sent_at:%Y-%m-%d}"
