"""The trainer pool: the experts the network's sessions are given by.

A Head of SPOC proposes a trainer of their own country; the core group of trainers (role
trainer) vets the proposal (vetted) or turns it down with a reason (rejected). Only vetted
trainers are given sessions (`SessionTrainer`) and are found in the site search (a source of
its own, training.search). A trainer need not have a portal account; when they have one it is
linked (`user`), so that the sessions they give are theirs on the portal too.

Languages are stored as ISO 639-1 codes between commas (",en,fr,"), so that the list page
filters on them with a plain `contains` on every database."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from modelsearch.queryset import SearchableQuerySetMixin
from wagtail.search import index

from training.models.reference import LANGUAGES

LANGUAGE_NAMES = dict(LANGUAGES)


def pack_languages(codes):
    codes = sorted({code for code in codes if code in LANGUAGE_NAMES})
    return f",{','.join(codes)}," if codes else ""


class TrainerQuerySet(SearchableQuerySetMixin, models.QuerySet):
    pass


class Trainer(index.Indexed, models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed, waiting for vetting"
        VETTED = "vetted", "Vetted"
        REJECTED = "rejected", "Not accepted"

    full_name = models.CharField("Name", max_length=200)
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainer_profiles",
        help_text="The trainer's portal account, when they have one.",
    )
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="training_trainers"
    )
    organisation = models.CharField(max_length=200)
    topics = models.ManyToManyField("training.TrainingTopic", related_name="trainers")
    languages = models.CharField(
        max_length=200, help_text="ISO 639-1 codes between commas, e.g. ,en,fr, (see above)."
    )
    qualifications = models.TextField()
    availability = models.TextField("Availability notes", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    vetted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vetted_at = models.DateTimeField(null=True, blank=True)
    vetting_note = models.TextField(blank=True, help_text="The reason given when not accepted.")
    # Site search facets (search.sources conventions), kept by training.services_pool.
    search_country = models.CharField(max_length=2, editable=False, db_index=True)
    search_topic = models.CharField(max_length=60, blank=True, editable=False, db_index=True)

    objects = TrainerQuerySet.as_manager()

    search_fields = [
        index.SearchField("full_name", boost=2),
        index.AutocompleteField("full_name"),
        index.SearchField("organisation"),
        index.SearchField("topic_names", boost=1.5),
        index.SearchField("language_names"),
        index.SearchField("qualifications"),
        index.FilterField("search_country"),
        index.FilterField("search_topic"),
        index.FilterField("status"),
    ]

    class Meta:
        ordering = ["full_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "vetted", "rejected"]),
                name="trainer_status",
            ),
            models.CheckConstraint(
                condition=~Q(status="vetted") | Q(vetted_at__isnull=False),
                name="trainer_vetted_has_date",
            ),
            models.CheckConstraint(condition=~Q(languages=""), name="trainer_has_language"),
        ]

    def __str__(self):
        return self.full_name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("training:trainer_detail", args=[self.pk])

    @property
    def language_codes(self):
        return [code for code in self.languages.split(",") if code]

    @property
    def language_labels(self):
        return [LANGUAGE_NAMES.get(code, code) for code in self.language_codes]

    def topic_names(self):
        return " ".join(topic.name for topic in self.topics.all())

    def language_names(self):
        return " ".join(self.language_labels)

    @property
    def is_vetted(self):
        return self.status == self.Status.VETTED


class SessionTrainer(models.Model):
    """A trainer of the pool giving a session."""

    session = models.ForeignKey(
        "training.Session", on_delete=models.CASCADE, related_name="session_trainers"
    )
    trainer = models.ForeignKey(Trainer, on_delete=models.PROTECT, related_name="session_links")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "trainer__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "trainer"], name="session_trainer_once"),
        ]

    def __str__(self):
        return f"{self.trainer} for {self.session}"
