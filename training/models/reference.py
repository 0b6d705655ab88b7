"""Reference data of the training app: the managed list of training topics, the shared
choices (profile, proficiency level, urgency), and the people a Head of SPOC names to act
for their country in training matters."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Profile(models.TextChoices):
    """Who is to be trained (CEPOL's OTNA distinguishes the staff's function)."""

    OPERATOR = "operator", "Operator"
    SUPERVISOR = "supervisor", "Supervisor"
    HEAD = "head", "Head of unit"


class Level(models.TextChoices):
    """Proficiency level, as in CEPOL's OTNA and the LETS competency levels."""

    AWARENESS = "awareness", "Awareness"
    PRACTITIONER = "practitioner", "Practitioner"
    EXPERT = "expert", "Expert"


class Urgency(models.TextChoices):
    HIGH = "high", "High: within 6 months"
    MEDIUM = "medium", "Medium: within 12 months"
    LOW = "low", "Low: later"


# The languages a course is given in: the EU's 24 official languages, and those of the
# Schengen-associated countries of the network (Icelandic, Norwegian).
LANGUAGES = [
    ("bg", "Bulgarian"),
    ("cs", "Czech"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("et", "Estonian"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("ga", "Irish"),
    ("hr", "Croatian"),
    ("hu", "Hungarian"),
    ("is", "Icelandic"),
    ("it", "Italian"),
    ("lt", "Lithuanian"),
    ("lv", "Latvian"),
    ("mt", "Maltese"),
    ("nl", "Dutch"),
    ("no", "Norwegian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("sv", "Swedish"),
]
LANGUAGE_CODES = frozenset(code for code, _ in LANGUAGES)


class TrainingTopic(models.Model):
    """A subject SPOC staff are trained in. A managed list (Wagtail snippets): trainers add
    topics and retire old ones (`active` off); a topic in use is never deleted."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(
        default=100, help_text="Topics are listed by this number, then by name."
    )
    active = models.BooleanField(
        default=True, help_text="Only active topics are offered in new needs rounds and courses."
    )

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = "training topic"

    def __str__(self):
        return self.name


class TrainingDelegate(models.Model):
    """A person a Head of SPOC names to act for their country in training matters: answering
    the needs rounds, or approving nominations as the National Unit / CEPOL National
    Contact Point (the optional second step of courses that ask for it). The person must
    belong to that country's SPOC; the rights end when they leave it."""

    class Kind(models.TextChoices):
        NEEDS = "needs", "Answers training needs rounds"
        NATIONAL_CONTACT = "national_contact", "National Unit / CEPOL National Contact Point"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_delegations"
    )
    country = models.ForeignKey(
        "portal.Country", on_delete=models.CASCADE, related_name="training_delegates"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["country", "kind", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="training_delegate_once"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["needs", "national_contact"]),
                name="training_delegate_kind",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_kind_display()}, {self.country})"
