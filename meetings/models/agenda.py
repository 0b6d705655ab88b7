"""Preparing a meeting's agenda: members' topic proposals (and other heads' support), the
ordered agenda, the agencies invited because an accepted item concerns them, and the action
items that follow a meeting until they are done."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

COUNTRY_XOR_ORGANISATION = (Q(country__isnull=False) & Q(organisation__isnull=True)) | (
    Q(country__isnull=True) & Q(organisation__isnull=False)
)


class TopicKind(models.TextChoices):
    """The subjects the network discusses (Council conclusions of 7 October 2019)."""

    LEGAL_INSTRUMENTS = "legal_instruments", "New legal instruments"
    WORKFLOW = "workflow", "Workflow difficulties"
    BEST_PRACTICES = "best_practices", "Best practices"
    EFFICIENCY = "efficiency", "Efficiency of cooperation"
    LEGAL_FRAMEWORKS = "legal_frameworks", "National legal frameworks"
    OBSTACLES = "obstacles", "Obstacles to cross-border cooperation"
    OTHER = "other", "Other"


class AgendaProposal(models.Model):
    """A topic proposed for a coming meeting by a Head of SPOC (for their country) or by an
    agency user (for their organisation)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted into the draft agenda"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    meeting = models.ForeignKey(
        "meetings.MeetingPage", on_delete=models.CASCADE, related_name="proposals"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=TopicKind.choices)
    agencies = models.ManyToManyField(
        "portal.Organisation",
        blank=True,
        related_name="+",
        help_text="Agencies the topic concerns; they are invited when it is accepted.",
    )
    country = models.ForeignKey(
        "portal.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "portal.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=COUNTRY_XOR_ORGANISATION, name="proposal_country_xor_organisation"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "accepted", "declined", "withdrawn"]),
                name="proposal_status_known",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in TopicKind]), name="proposal_kind_known"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="proposal_title_set"),
        ]

    def __str__(self):
        return self.title


class ProposalSupport(models.Model):
    """Another country's head supports a proposal: one support per country."""

    proposal = models.ForeignKey(AgendaProposal, on_delete=models.CASCADE, related_name="supports")
    country = models.ForeignKey("portal.Country", on_delete=models.PROTECT, related_name="+")
    supported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "country"], name="support_one_per_country"),
        ]

    def __str__(self):
        return f"{self.country} supports {self.proposal}"


class AgendaItem(models.Model):
    """One item of a meeting's agenda, in order. The slot is in the meeting's time zone
    (stored as aware datetimes); the presenter is a country or an agency, or nobody yet."""

    meeting = models.ForeignKey(
        "meetings.MeetingPage", on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=TopicKind.choices, default=TopicKind.OTHER)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    presenter_country = models.ForeignKey(
        "portal.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    presenter_organisation = models.ForeignKey(
        "portal.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal = models.OneToOneField(
        AgendaProposal,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_item",
    )
    agencies = models.ManyToManyField(
        "portal.Organisation", blank=True, related_name="+", help_text="Agencies concerned."
    )
    documents = models.ManyToManyField("wagtaildocs.Document", blank=True, related_name="+")

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "position"],
                name="agenda_item_position_unique",
            ),
            models.CheckConstraint(
                condition=~(
                    Q(presenter_country__isnull=False) & Q(presenter_organisation__isnull=False)
                ),
                name="agenda_item_one_presenter",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True)
                | Q(ends_at__isnull=True)
                | Q(ends_at__gt=F("starts_at")),
                name="agenda_item_slot_ends_after_start",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="agenda_item_title_set"),
        ]

    def __str__(self):
        return self.title


class AgencyInvitation(models.Model):
    """An agency invited to a meeting: automatically because an accepted agenda item concerns
    it (`agenda_item` set), or by the Presidency directly. Heads of SPOC of every country are
    invited by the meeting itself and need no row."""

    meeting = models.ForeignKey(
        "meetings.MeetingPage", on_delete=models.CASCADE, related_name="agency_invitations"
    )
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="meeting_invitations"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"], name="agency_invitation_once"
            ),
        ]

    def __str__(self):
        return f"{self.organisation} invited to {self.meeting}"


class ActionItem(models.Model):
    """An action decided at a meeting. Open actions are carried onto the agenda of every
    following meeting until they are done or dropped."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    meeting = models.ForeignKey(
        "meetings.MeetingPage", on_delete=models.CASCADE, related_name="action_items"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    owner_country = models.ForeignKey(
        "portal.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_organisation = models.ForeignKey(
        "portal.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    status_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner_country__isnull=False) & Q(owner_organisation__isnull=True))
                | (Q(owner_country__isnull=True) & Q(owner_organisation__isnull=False)),
                name="action_owner_country_xor_organisation",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "done", "dropped"]),
                name="action_status_known",
            ),
            # Closed actions, and only they, carry the moment they were closed.
            models.CheckConstraint(
                condition=(Q(status__in=["done", "dropped"]) & Q(closed_at__isnull=False))
                | (Q(status__in=["open", "in_progress"]) & Q(closed_at__isnull=True)),
                name="action_closed_at_iff_closed",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="action_title_set"),
        ]

    def __str__(self):
        return self.title

    @property
    def owner(self):
        return self.owner_country or self.owner_organisation
