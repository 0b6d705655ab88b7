"""Courses and their sessions.

A course is what is taught (title, topic, level, language, organiser, the optional CEPOL
activity code); a session is one run of it: days in the venue's time zone, on site or online,
a capacity with optional per-country quotas, a nomination deadline. Sessions carry their own
calendar identity (`ical_uid`, `ical_sequence`), as meetings do: the UID is random and stored,
the sequence is raised by training.services whenever the dates, times, place or status
change."""

import datetime
import uuid
import zoneinfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from training.models.reference import LANGUAGES, Level

ICAL_UID_DOMAIN = "spoc-network-portal"


def new_ical_uid():
    return f"training-{uuid.uuid4()}@{ICAL_UID_DOMAIN}"


class Course(models.Model):
    class Organiser(models.TextChoices):
        CEPOL = "cepol", "CEPOL"
        COUNTRY = "country", "A country"
        NETWORK = "network", "The network (core group of trainers)"

    title = models.CharField(max_length=200)
    topic = models.ForeignKey(
        "training.TrainingTopic", on_delete=models.PROTECT, related_name="courses"
    )
    level = models.CharField("Proficiency level", max_length=20, choices=Level.choices)
    cepol_code = models.CharField(
        "CEPOL activity code",
        max_length=30,
        blank=True,
        help_text="CEPOL's number for the activity, e.g. 12/2027 (the accepted form is set by "
        "TRAINING_CEPOL_CODE_PATTERN).",
    )
    organiser = models.CharField(max_length=10, choices=Organiser.choices)
    organiser_country = models.ForeignKey(
        "portal.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organised_courses",
    )
    description = models.TextField(blank=True)
    language = models.CharField(max_length=2, choices=LANGUAGES, default="en")
    prerequisites = models.TextField(blank=True)
    second_approval = models.BooleanField(
        "Second approval",
        default=False,
        help_text="Nominations also need the approval of the National Unit / CEPOL National "
        "Contact Point after the Head of SPOC's.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["cepol_code"], condition=~Q(cepol_code=""), name="course_cepol_code_unique"
            ),
            models.CheckConstraint(
                condition=(Q(organiser="country") & Q(organiser_country__isnull=False))
                | (Q(organiser__in=["cepol", "network"]) & Q(organiser_country__isnull=True)),
                name="course_organiser_country_iff_country",
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="course_level"),
        ]

    def __str__(self):
        return f"{self.title} ({self.cepol_code})" if self.cepol_code else self.title

    @property
    def organiser_label(self):
        if self.organiser == self.Organiser.COUNTRY and self.organiser_country_id:
            return self.organiser_country.name
        return self.get_organiser_display()


class Session(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"

    class VenueKind(models.TextChoices):
        ON_SITE = "on_site", "On site"
        ONLINE = "online", "Online"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    first_day = models.DateField()
    last_day = models.DateField()
    daily_start = models.TimeField(default=datetime.time(9, 0))
    daily_end = models.TimeField(default=datetime.time(17, 0))
    time_zone = models.CharField(max_length=64, default="Europe/Brussels")
    venue_kind = models.CharField(max_length=10, choices=VenueKind.choices)
    venue = models.CharField(max_length=300, blank=True, help_text="Address of an on-site venue.")
    online_url = models.URLField(
        "Online link",
        blank=True,
        help_text="Shown to the confirmed participants, the organiser and the trainers only.",
    )
    capacity = models.PositiveIntegerField()
    nomination_deadline = models.DateField(help_text="Last day on which nominations are made.")
    quota_release_days = models.PositiveSmallIntegerField(
        "Release unfilled quota seats (days before)",
        help_text="This many days before the first day, seats of the per-country quotas that "
        "are not taken go back to the general pool.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    notes = models.TextField(blank=True)
    documents = models.ManyToManyField(
        "wagtaildocs.Document", blank=True, related_name="training_sessions"
    )
    seats_held = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Nominations holding a seat (approved or confirmed); kept by the services.",
    )
    quota_released_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the unfilled quota seats were given back to the general pool.",
    )
    ical_uid = models.CharField(max_length=255, unique=True, default=new_ical_uid, editable=False)
    ical_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    MAX_CAPACITY = 1000

    class Meta:
        ordering = ["first_day", "daily_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="session_days_in_order"
            ),
            models.CheckConstraint(
                condition=Q(daily_end__gt=F("daily_start")), name="session_times_in_order"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1) & Q(capacity__lte=1000), name="session_capacity_range"
            ),
            models.CheckConstraint(
                condition=Q(nomination_deadline__lt=F("first_day")),
                name="session_deadline_before_start",
            ),
            models.CheckConstraint(
                condition=(Q(venue_kind="on_site") & ~Q(venue=""))
                | (Q(venue_kind="online") & ~Q(online_url="")),
                name="session_venue_given",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "cancelled"]), name="session_status"
            ),
            # The capacity, kept by the database itself: no overbooking, whatever the code.
            models.CheckConstraint(
                condition=Q(seats_held__lte=F("capacity")), name="session_seats_within_capacity"
            ),
        ]

    def __str__(self):
        return f"{self.course.title}, {self.first_day:%-d %b %Y}"

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def days(self):
        """The session's days, first to last."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + datetime.timedelta(days=n) for n in range(count)]

    @property
    def local_start(self):
        return datetime.datetime.combine(self.first_day, self.daily_start, self.tzinfo)

    @property
    def local_end(self):
        """The end of the last day."""
        return datetime.datetime.combine(self.last_day, self.daily_end, self.tzinfo)

    @property
    def starts_at(self):
        return self.local_start

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def quota_release_day(self):
        return self.first_day - datetime.timedelta(days=self.quota_release_days)

    @property
    def location_label(self):
        return self.venue if self.venue_kind == self.VenueKind.ON_SITE else "Online"

    def has_started(self, now=None):
        return (now or timezone.now()) >= self.local_start

    def nominations_open_on(self, day):
        return not self.is_cancelled and day <= self.nomination_deadline


class SessionQuota(models.Model):
    """Seats of a session reserved for one country (until the release day)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="quotas")
    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="training_quotas"
    )
    seats = models.PositiveIntegerField()

    class Meta:
        ordering = ["session", "country"]
        constraints = [
            models.UniqueConstraint(fields=["session", "country"], name="session_quota_once"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="session_quota_positive"),
        ]

    def __str__(self):
        return f"{self.country}: {self.seats}"
