"""The case register of a country's SPOC: cross-border requests and replies.

Every row belongs to one country (`Case.country`, the owning SPOC) and is read only through
cases.selectors.cases_visible_to. Writes go through cases.services; nothing here carries a
business rule (models hold fields and database constraints only)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases import choices


class CaseCounter(models.Model):
    """The last registration counter handed out for a country and year. Incremented with
    an F() update on the locked row inside the registering transaction (cases.numbers)."""

    country = models.ForeignKey("portal.Country", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "year"], name="case_counter_per_year"),
            models.CheckConstraint(
                condition=Q(last_value__lte=999_999), name="case_counter_six_digits"
            ),
        ]

    def __str__(self):
        return f"{self.country_id}/{self.year}: {self.last_value}"


class Case(models.Model):
    country = models.ForeignKey(
        "portal.Country",
        on_delete=models.PROTECT,
        related_name="cases",
        help_text="The SPOC that holds the case.",
    )
    number = models.CharField("registration number", max_length=20, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    direction = models.CharField(max_length=10, choices=choices.Direction.choices)
    counterpart_kind = models.CharField(max_length=15, choices=choices.CounterpartKind.choices)
    counterpart_country = models.ForeignKey(
        "portal.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The requesting (incoming) or requested (outgoing) country of the network.",
    )
    counterpart_name = models.CharField(
        max_length=80, blank=True, help_text="The third country or the agency."
    )
    channel = models.CharField(
        max_length=10, choices=choices.Channel.choices, default=choices.Channel.SIENA
    )
    channel_reason = models.CharField(
        max_length=20, choices=choices.ChannelReason.choices, blank=True
    )
    summary = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    received_at = models.DateTimeField(
        help_text="When the request was received (incoming) or sent (outgoing); UTC."
    )
    urgent = models.BooleanField(default=False)
    urgency_grounds = models.JSONField(default=list, blank=True)
    information_access = models.CharField(
        max_length=10,
        choices=choices.InformationAccess.choices,
        default=choices.InformationAccess.DIRECT,
    )
    handling_code = models.CharField(
        max_length=2, choices=choices.HandlingCode.choices, default=choices.HandlingCode.H0
    )
    source_evaluation = models.CharField(
        max_length=1, choices=choices.SourceEvaluation.choices, default=choices.SourceEvaluation.X
    )
    information_evaluation = models.CharField(
        max_length=1,
        choices=choices.InformationEvaluation.choices,
        default=choices.InformationEvaluation.FOUR,
    )
    status = models.CharField(
        max_length=15, choices=choices.Status.choices, default=choices.Status.REGISTERED
    )
    # The Art. 5(1) deadline with the closed pauses added; while a pause is open the clock
    # stands (see cases.deadlines). Kept on the row so that lists can filter on it.
    due_at = models.DateTimeField()
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    refusal_grounds = models.JSONField(default=list, blank=True)
    refusal_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    possible_duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Retention (Art. 16(3)-(4)): reviewed by then, extended or erased; erasure blanks the
    # personal data and keeps the statistical record.
    review_on = models.DateField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["country", "status", "due_at"], name="case_country_open_due"),
            models.Index(fields=["country", "year"], name="case_country_year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "year", "sequence"], name="case_sequence_per_year"
            ),
            models.CheckConstraint(
                condition=(Q(counterpart_kind="network") & Q(counterpart_country__isnull=False))
                | (~Q(counterpart_kind="network") & Q(counterpart_country__isnull=True)),
                name="case_counterpart_country_iff_network",
            ),
            models.CheckConstraint(
                condition=(Q(channel="siena") & Q(channel_reason=""))
                | (~Q(channel="siena") & ~Q(channel_reason="")),
                name="case_channel_reason_iff_not_siena",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_grounds=[]),
                name="case_refusal_has_grounds",
            ),
        ]
        permissions = [
            ("work_on_cases", "Can work in the country's case register"),
            ("read_case_audit_log", "Can read the country's case audit log"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("cases:case_detail", args=[self.pk])

    @property
    def short_limit(self):
        """The 8-hour limit of Art. 5(1)(a) (reminded and flagged earlier than day limits)."""
        return self.urgent and self.information_access == choices.InformationAccess.DIRECT

    @property
    def is_open(self):
        return self.status in choices.OPEN_STATUSES

    @property
    def urgency_ground_labels(self):
        labels = dict(choices.UrgencyGround.choices)
        return [labels.get(code, code) for code in self.urgency_grounds]

    @property
    def refusal_ground_labels(self):
        labels = dict(choices.RefusalGround.choices)
        return [labels.get(code, code) for code in self.refusal_grounds]

    @property
    def counterpart_label(self):
        if self.counterpart_country_id:
            return self.counterpart_country.name
        return self.counterpart_name


class ExternalReference(models.Model):
    """A channel's own reference of the request (SIENA message ID, SIRENE form, ...).
    `normalised` is what duplicates are matched on (cases.normalise.reference)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="references")
    kind = models.CharField(max_length=15, choices=choices.ReferenceKind.choices)
    value = models.CharField(max_length=80)
    normalised = models.CharField(max_length=80, db_index=True)

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "normalised"], name="case_reference_once_per_case"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


class Subject(models.Model):
    """A person, vehicle, phone, document or organisation the request is about. Names and
    identifiers are kept as typed and normalised (cases.normalise) for the cross-check."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(max_length=15, choices=choices.SubjectKind.choices)
    name = models.CharField(
        max_length=120, blank=True, help_text="Surname of a person, or an organisation's name."
    )
    given_names = models.CharField(max_length=120, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    identifier = models.CharField(
        max_length=60, blank=True, help_text="Document number, plate or phone number."
    )
    name_key = models.CharField(max_length=250, blank=True, db_index=True)
    identifier_key = models.CharField(max_length=60, blank=True, db_index=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(identifier=""), name="subject_has_name_or_identifier"
            ),
        ]

    def __str__(self):
        if self.kind == choices.SubjectKind.PERSON:
            return " ".join(part for part in (self.given_names, self.name) if part)
        return self.name or self.identifier


class DeadlinePause(models.Model):
    """The clock stands: waiting for a judicial authorisation (Art. 5(2)) or for the
    clarification asked of the requester (Art. 6(3))."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=15, choices=choices.PauseKind.choices)
    started_at = models.DateTimeField(help_text="Authorisation or clarification asked for.")
    ended_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=choices.PauseOutcome.choices, blank=True)
    reason = models.TextField(blank=True)
    requester_informed_on = models.DateTimeField(
        null=True, blank=True, help_text="When the requester was told of the delay (Art. 5(2)(a))."
    )
    expected_delay = models.CharField(max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="pause_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(ended_at__isnull=True) & Q(outcome=""))
                | (Q(ended_at__isnull=False) & ~Q(outcome="")),
                name="pause_outcome_iff_ended",
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="pause_one_open_per_case"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} from {self.started_at:%Y-%m-%d %H:%M}"


class CaseNote(models.Model):
    """A note in the case's folder; a reply sent or received is a note of kind "reply"."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        REPLY = "reply", "Reply"
        DRAFT = "draft", "Reply awaiting approval"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(kind="draft"), name="case_one_draft_reply"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.case_id}"


class CaseLink(models.Model):
    """Two related cases of the same country (stored once, from the lower id)."""

    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_out")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_in")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_case", "to_case"], name="case_link_once"),
            models.CheckConstraint(
                condition=Q(from_case__lt=models.F("to_case")), name="case_link_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.from_case_id} - {self.to_case_id}"


class CrossCheckHit(models.Model):
    """A subject of a case that matches one the country already holds (Art. 16(1)(d)); the
    officer confirms or dismisses it."""

    class Decision(models.TextChoices):
        OPEN = "open", "To decide"
        CONFIRMED = "confirmed", "Confirmed: the same"
        DISMISSED = "dismissed", "Dismissed: not the same"

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="hits")
    matched = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(help_text="0-100")
    fields = models.JSONField(default=list, help_text="What matched.")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["subject", "matched"], name="hit_once"),
        ]

    def __str__(self):
        return f"{self.subject_id} ~ {self.matched_id} ({self.score})"


class AuditAction(models.TextChoices):
    """Directive 2016/680 Art. 25(1): the processing operations that are logged."""

    COLLECTION = "collection", "Collection"
    ALTERATION = "alteration", "Alteration"
    CONSULTATION = "consultation", "Consultation"
    DISCLOSURE = "disclosure", "Disclosure"
    COMBINATION = "combination", "Combination"
    ERASURE = "erasure", "Erasure"


class AuditChainHead(models.Model):
    """The end of a country's audit chain: locked while an entry is appended, so entries get
    consecutive sequence numbers and each names the hash of the one before."""

    country = models.OneToOneField("portal.Country", on_delete=models.PROTECT, related_name="+")
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self):
        return f"{self.country_id}: {self.last_sequence}"


class AuditEntry(models.Model):
    """One logged operation (Art. 25 LED): who, when, which case, what, why, to whom.
    Append-only: the services only insert; the admin is read-only; a database trigger refuses
    UPDATE (and, on PostgreSQL, DELETE); `manage.py verify_audit_log` recomputes the chain."""

    country = models.ForeignKey("portal.Country", on_delete=models.PROTECT, related_name="+")
    sequence = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=15, choices=AuditAction.choices)
    case = models.ForeignKey(Case, null=True, on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField(max_length=20, blank=True)
    detail = models.CharField(max_length=500)
    justification = models.CharField(max_length=300, blank=True)
    recipients = models.CharField(max_length=300, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["country", "sequence"]
        verbose_name_plural = "audit entries"
        constraints = [
            models.UniqueConstraint(fields=["country", "sequence"], name="audit_sequence"),
        ]
        indexes = [models.Index(fields=["country", "at"], name="audit_country_at")]

    def __str__(self):
        return f"{self.country_id} #{self.sequence} {self.action} {self.case_number}"


class ReminderSent(models.Model):
    """Each deadline reminder goes once per case and threshold."""

    class Threshold(models.TextChoices):
        SOON = "soon", "Due soon"
        OVERDUE = "overdue", "Overdue"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    threshold = models.CharField(max_length=10, choices=Threshold.choices)
    due_at = models.DateTimeField(help_text="The deadline the reminder was about.")
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "threshold", "due_at"], name="case_reminder_once"
            ),
        ]

    def __str__(self):
        return f"{self.case_id} {self.threshold}"


def _document_path(instance, filename):
    import uuid

    return f"cases/{instance.case.country.code}/{uuid.uuid4().hex}"


class CaseDocument(models.Model):
    """A file in the case's folder. Stored under a random name outside any public URL and
    served only through the case's own view (cases.views.document_download)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_document_path, max_length=200)
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name


class CaseSettings(models.Model):
    """A SPOC's own rules, set by its head: which replies need a second person's approval
    before they go out (four eyes), by priority."""

    country = models.OneToOneField("portal.Country", on_delete=models.PROTECT, related_name="+")
    approve_urgent = models.BooleanField("Urgent requests need an approved reply", default=False)
    approve_not_urgent = models.BooleanField("Other requests need an approved reply", default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "case settings"

    def __str__(self):
        return f"Case settings of {self.country_id}"
