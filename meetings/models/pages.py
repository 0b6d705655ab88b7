"""Network meetings in the page tree: Meetings > year > meeting.

A meeting carries its own calendar identity: `ical_uid` is random and stored (never derived
from URLs or personal data) and `ical_sequence` is raised by meetings.services whenever the
published time, place or status changes. Revisions never carry these fields back (see
`MeetingPage.with_content_json`)."""

import uuid
import zoneinfo
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from portal.models import NoAliasCopyForm, PortalPage, PresidencyTerm
from portal.reference import presidency_on

ICAL_UID_DOMAIN = "spoc-network-portal"


def new_ical_uid():
    """A random, stable calendar UID (RFC 5545 §3.8.4.7; RFC 7986 recommends a UUID)."""
    return f"{uuid.uuid4()}@{ICAL_UID_DOMAIN}"


@cache
def time_zone_names():
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value):
    if value not in time_zone_names():
        raise ValidationError(
            "%(value)s is not a known time zone (use an IANA name such as Europe/Dublin).",
            params={"value": value},
        )



class MeetingIndexPage(PortalPage):
    """The network's meetings: the coming ones and the archive by year."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["meetings.MeetingYearPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        from meetings import permissions, selectors  # cycle: both import meetings.models

        context = super().get_context(request, *args, **kwargs)
        context["can_see_activity_reports"] = permissions.can_see_activity_reports(request.user)
        context["upcoming"] = list(selectors.meetings_upcoming(user=request.user))
        context["years"] = list(selectors.meeting_years())
        context["calendar"] = selectors.calendar_feed_urls(request=request, user=request.user)
        return context


class MeetingYearPage(PortalPage):
    """One year of meetings (the archive is browsed by year)."""

    year = models.PositiveSmallIntegerField(unique=True)

    content_panels = [*Page.content_panels, FieldPanel("year")]
    parent_page_types = ["meetings.MeetingIndexPage"]
    subpage_types = ["meetings.MeetingPage"]
    copy_form_class = NoAliasCopyForm

    class Meta:
        verbose_name = "Meeting year"
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="meeting_year_plausible"
            ),
        ]

    def get_context(self, request, *args, **kwargs):
        from meetings import selectors  # cycle: meetings.selectors imports the models

        context = super().get_context(request, *args, **kwargs)
        context["meetings"] = list(selectors.meetings_of_year(user=request.user, year_page=self))
        context["index_page"] = self.get_parent()
        return context


class MeetingPageForm(WagtailAdminPageForm):
    """Start and end are typed as wall-clock times of the meeting's own time zone (a Dublin
    meeting at 09:30 is 09:30 in Dublin, whatever the editor's or server's zone). An empty
    host Presidency is taken from the rota on the start date."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.time_zone and instance.start and not self.is_bound:
            tz = zoneinfo.ZoneInfo(instance.time_zone)
            for name in ("start", "end"):
                value = getattr(instance, name)
                if value is not None and name in self.fields:
                    self.initial[name] = timezone.localtime(value, tz).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        tz_name = cleaned.get("time_zone")
        tz = zoneinfo.ZoneInfo(tz_name) if tz_name in time_zone_names() else None
        if tz is not None:
            current = timezone.get_current_timezone()
            for name in ("start", "end"):
                value = cleaned.get(name)
                if value is not None:
                    wall_clock = timezone.localtime(value, current).replace(tzinfo=None)
                    cleaned[name] = wall_clock.replace(tzinfo=tz)
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", "The meeting must end after it starts.")
        if start and not cleaned.get("presidency"):
            term = presidency_on(start.astimezone(tz).date() if tz else start.date())
            if term is not None:
                cleaned["presidency"] = term
        return cleaned


class MeetingPage(PortalPage):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        INVITATIONS_SENT = "invitations_sent", "Invitations sent"
        CONFIRMED = "confirmed", "Confirmed"
        HELD = "held", "Held"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    presidency = models.ForeignKey(
        "portal.PresidencyTerm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name="host Presidency",
        help_text="Leave empty to take the Presidency holding office on the start date.",
    )
    start = models.DateTimeField(help_text="In the meeting's time zone.")
    end = models.DateTimeField(help_text="In the meeting's time zone.")
    time_zone = models.CharField(
        max_length=64,
        default="Europe/Brussels",
        validators=[validate_time_zone],
        help_text="Where the meeting takes place, as an IANA name (e.g. Europe/Dublin).",
    )
    all_day = models.BooleanField(
        "all-day meeting",
        default=False,
        help_text="Whole days from the start date to the end date, without times.",
    )
    venue = models.CharField(max_length=255, blank=True)
    online_url = models.URLField(
        "online link",
        max_length=500,
        blank=True,
        help_text="Shown only to registered participants.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    description = RichTextField(
        blank=True, features=["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
    )
    ical_uid = models.CharField(
        "calendar UID", max_length=255, unique=True, default=new_ical_uid, editable=False
    )
    ical_sequence = models.PositiveIntegerField("calendar sequence", default=0, editable=False)
    delegates_per_country = models.PositiveSmallIntegerField(
        "delegates per country",
        default=2,
        help_text="Seats each country's Head of SPOC may fill; further delegates wait in line.",
    )
    registration_deadline = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Heads can register and swap delegates until then. Empty: no deadline.",
    )
    # Digest of the time, place and status last seen on publication (see services).
    ical_state = models.CharField(max_length=64, blank=True, default="", editable=False)

    base_form_class = MeetingPageForm
    copy_form_class = NoAliasCopyForm
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldRowPanel([FieldPanel("time_zone"), FieldPanel("all_day")]),
            ],
            heading="When",
        ),
        MultiFieldPanel([FieldPanel("venue"), FieldPanel("online_url")], heading="Where"),
        FieldPanel("presidency"),
        FieldPanel("status"),
        MultiFieldPanel(
            [FieldPanel("delegates_per_country"), FieldPanel("registration_deadline")],
            heading="Delegations",
        ),
        FieldPanel("description"),
        InlinePanel("documents", label="Meeting documents"),
    ]
    parent_page_types = ["meetings.MeetingYearPage"]
    subpage_types = []
    exclude_fields_in_copy = ["ical_uid", "ical_sequence", "ical_state"]
    search_fields = [
        *Page.search_fields,
        index.SearchField("venue"),
        index.SearchField("description"),
        index.FilterField("start"),
        index.FilterField("status"),
    ]

    class Meta:
        verbose_name = "meeting"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "planned",
                        "invitations_sent",
                        "confirmed",
                        "held",
                        "postponed",
                        "cancelled",
                    ]
                ),
                name="meeting_status_known",
            ),
            models.CheckConstraint(condition=~Q(time_zone=""), name="meeting_time_zone_set"),
            models.CheckConstraint(
                condition=Q(delegates_per_country__gte=1), name="meeting_delegate_cap_positive"
            ),
        ]

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The meeting must end after it starts."})

    def with_content_json(self, content):
        """Revisions never bring back an old calendar identity: UID, SEQUENCE and the state
        digest always come from the database row."""
        obj = super().with_content_json(content)
        obj.ical_uid = self.ical_uid
        obj.ical_sequence = self.ical_sequence
        obj.ical_state = self.ical_state
        return obj

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self):
        return timezone.localtime(self.start, self.tzinfo)

    @property
    def local_end(self):
        return timezone.localtime(self.end, self.tzinfo)

    @property
    def first_day(self):
        return self.local_start.date()

    @property
    def last_day(self):
        """The last day of an all-day meeting (inclusive)."""
        return self.local_end.date()

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    def registration_closed_reason(self, now):
        """Why registration is closed at `now` (a sentence for the user), or None while it is
        open: the one "registration open" rule, used by the delegation services (which refuse)
        and the meeting page (which shows the form)."""
        if self.status in (self.Status.CANCELLED, self.Status.HELD):
            return f"Registration is closed: the meeting is {self.get_status_display().lower()}."
        if self.registration_deadline is not None and now > self.registration_deadline:
            deadline = timezone.localtime(self.registration_deadline, self.tzinfo)
            return f"Registration closed on {deadline:%-d %B %Y at %H:%M} ({self.time_zone})."
        return None

    def get_context(self, request, *args, **kwargs):
        from meetings import permissions, selectors  # cycle: both import meetings.models

        context = super().get_context(request, *args, **kwargs)
        if self.presidency_id and not MeetingPage.presidency.is_cached(self):
            # The host line shows the term's country: one query for both, not two.
            self.presidency = (
                PresidencyTerm.objects.select_related("country")
                .filter(pk=self.presidency_id)
                .first()
            )
        context["attachments"] = [
            item.document
            for item in self.documents.select_related("document").order_by("sort_order")
        ]
        context["can_see_online_link"] = permissions.can_see_online_link(request.user, self)
        context["ics_url"] = reverse("meetings:meeting_ics", args=[self.pk])
        context.update(
            selectors.delegation_context(
                user=request.user,
                meeting=self,
                form=kwargs.get("delegate_form"),
                swap_form=kwargs.get("swap_form"),
                swap_id=kwargs.get("swap_id"),
            )
        )
        context.update(selectors.agenda_context(user=request.user, meeting=self, forms=kwargs))
        context.update(selectors.poll_context(user=request.user, meeting=self, forms=kwargs))
        return context


class MeetingDocument(Orderable):
    page = ParentalKey(MeetingPage, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=120, blank=True, help_text="e.g. Agenda, Minutes")

    panels = [FieldPanel("document"), FieldPanel("label")]

    def __str__(self):
        return self.label or str(self.document)


class Registration(models.Model):
    """One delegate registered for a meeting by their country's Head of SPOC (or, for an
    agency, on behalf of the organisation). Confirmed delegates hold one of the country's
    seats; the others wait in line, `position` 1 being the next to move up. The dietary and
    accessibility notes are for the organisers only."""

    class Attendance(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        REMOTE = "remote", "Remote"

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITING = "waiting", "Waiting list"

    meeting = models.ForeignKey(MeetingPage, on_delete=models.CASCADE, related_name="registrations")
    country = models.ForeignKey(
        "portal.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "portal.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    attendance = models.CharField(max_length=10, choices=Attendance.choices)
    dietary_notes = models.TextField(blank=True)
    accessibility_notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    position = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["status", "position", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="registration_one_per_email"),
            # A delegation is a country's or an agency's, never both, never neither.
            models.CheckConstraint(
                condition=(Q(country__isnull=False) & Q(organisation__isnull=True))
                | (Q(country__isnull=True) & Q(organisation__isnull=False)),
                name="registration_country_xor_organisation",
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=["in_person", "remote"]),
                name="registration_attendance_known",
            ),
            # Waiting delegates, and only they, have a place in line.
            models.CheckConstraint(
                condition=(Q(status="confirmed") & Q(position__isnull=True))
                | (Q(status="waiting") & Q(position__gte=1)),
                name="registration_position_iff_waiting",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="registration_name_set"),
        ]

    def __str__(self):
        return f"{self.name} ({self.meeting})"
