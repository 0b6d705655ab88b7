"""The knowledge base in the page tree.

    Knowledge (KnowledgeIndexPage)
    ├── Fact sheets (FactSheetIndexPage)
    │   └── <country> (CountryFactSheetsPage, one per portal.Country)
    │       └── <topic> (FactSheetPage, one per topic and country)
    ├── Best practices (BestPracticeIndexPage) > BestPracticePage
    ├── Obstacles (ObstacleIndexPage) > ObstaclePage
    └── Documents (DocumentIndexPage) > KnowledgeDocumentPage

A fact sheet describes the law of *its* country. Its cross-border rules (`CrossBorderRule`) say
what officers of the `neighbour` country may do on the sheet country's territory: the rule
"hot pursuit, neighbour DE" on Belgium's hot-pursuit sheet answers "may a German officer
continue a hot pursuit into Belgium, and how far?".

Denormalised fields, filled by `clean()` (Wagtail runs it on every save and revision), so that
the search facets and the per-country uniqueness work as database columns:
- FactSheetPage.country from the parent CountryFactSheetsPage, `search_country` (its ISO code)
  and `search_topic` (= topic); UniqueConstraint(country, topic).
- BestPracticePage / ObstaclePage / KnowledgeDocumentPage.search_country: the lowest ISO code
  of their countries (a practice submitted by several countries is faceted under one of them).
"""

import datetime

from dateutil.relativedelta import relativedelta
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.html import strip_tags
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from knowledge.topics import TOPIC_CHOICES, TOPIC_SLUGS, topic_by_slug
from portal.fragments import FRAGMENT_SECONDS, fragment_key
from portal.models import Country, NoAliasCopyForm, PortalPage

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
LANGUAGE_RE = r"^[a-z]{2}$"
LANGUAGE_LIST_RE = r"^([a-z]{2}(,[a-z]{2})*)?$"

validate_language = RegexValidator(LANGUAGE_RE, "Use a two-letter ISO 639-1 code, e.g. en.")
validate_language_list = RegexValidator(
    LANGUAGE_LIST_RE, "Use two-letter ISO 639-1 codes separated by commas, e.g. en,fr,nl."
)


def _language_field():
    return models.CharField(
        max_length=2,
        default="en",
        validators=[validate_language],
        help_text="ISO 639-1 code of the text's language (used for search stemming).",
    )


def plain_text(html):
    """Plain text of rich text, whitespace collapsed (the one strip-tags helper of knowledge:
    the comparison table and the revision diff use it)."""
    return " ".join(strip_tags(html or "").split())



# --- Multi-choice stored as a comma list ---------------------------------------------------


class CommaSeparatedChoicesFormField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value):
        if isinstance(value, str):
            return [item for item in value.split(",") if item]
        return value

    def to_python(self, value):
        if isinstance(value, str):
            value = [item for item in value.split(",") if item]
        return super().to_python(value)

    def clean(self, value):
        chosen = set(super().clean(value))
        # Stored in the order of the choices, so equal sets compare equal.
        return ",".join(key for key, _label in self.choices if key in chosen)

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial), data)


class CommaSeparatedChoicesField(models.CharField):
    """Several of a few fixed choices, stored as "land,sea" (order of the choices)."""

    def __init__(self, *args, item_choices=(), **kwargs):
        self.item_choices = list(item_choices)
        kwargs.setdefault("max_length", 100)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["item_choices"] = self.item_choices
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return CommaSeparatedChoicesFormField(
            choices=self.item_choices,
            required=not self.blank,
            label=self.verbose_name[:1].upper() + self.verbose_name[1:],
            help_text=self.help_text,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        known = {key for key, _label in self.item_choices}
        unknown = [item for item in (value or "").split(",") if item and item not in known]
        if unknown:
            raise ValidationError(f"Unknown value: {', '.join(unknown)}.")


# --- Attached documents and their extracted text -------------------------------------------


class AttachedDocument(Orderable):
    """A document (PDF, DOCX, ...) attached to a knowledge page. Its text is extracted into
    DocumentText (knowledge.tasks) and indexed with the page."""

    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=120, blank=True, help_text="e.g. National law, Circular")

    panels = [FieldPanel("document"), FieldPanel("label")]

    class Meta(Orderable.Meta):
        abstract = True

    def __str__(self):
        return self.label or str(self.document)


class DocumentText(models.Model):
    """Text extracted from a Wagtail document (PDF with pypdf, DOCX with python-docx).
    `file_hash` is the document's hash at extraction, so a replaced file is read again.
    A file that cannot be read keeps an empty text and the reason in `error`."""

    document = models.OneToOneField(
        "wagtaildocs.Document", on_delete=models.CASCADE, related_name="knowledge_text"
    )
    text = models.TextField(blank=True)
    file_hash = models.CharField(max_length=40, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = "extracted document text"
        verbose_name_plural = "extracted document texts"

    def __str__(self):
        return f"Text of {self.document}"


class AttachmentsTextMixin:
    """`attachments_text()`: the extracted text of the page's attached documents, for
    `search_fields` (the attachments' related_name must be "documents")."""

    def attachments_text(self):
        # Reads `documents__document__knowledge_text` as prefetched by the search sources
        # (knowledge.selectors.for_search), so a results page costs no query per hit.
        texts = []
        for item in self.documents.all():
            extracted = getattr(item.document, "knowledge_text", None)
            if extracted is not None and extracted.text:
                texts.append(extracted.text)
        return "\n".join(texts)

    def attachment_documents(self):
        return [item.document for item in self.documents.select_related("document")]

    def get_search_language(self):
        return self.language


# --- Index pages ----------------------------------------------------------------------------


class KnowledgeListingPage(PortalPage):
    """An index under the knowledge base listing one kind of item, filtered by the reader's
    query string: `listing_context` names the knowledge.selectors function
    `(params, user) -> context` that lists what this user may see."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    max_count = 1
    listing_context = ""

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        from knowledge import selectors  # cycle: knowledge.selectors imports the models

        context = super().get_context(request, *args, **kwargs)
        context.update(getattr(selectors, self.listing_context)(request.GET, request.user))
        return context


class KnowledgeIndexPage(PortalPage):
    """The knowledge base: fact sheets, best practices, obstacles and reference documents."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = [
        "knowledge.FactSheetIndexPage",
        "knowledge.BestPracticeIndexPage",
        "knowledge.ObstacleIndexPage",
        "knowledge.DocumentIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = "knowledge base"

    def get_context(self, request, *args, **kwargs):
        from knowledge import selectors  # cycle: knowledge.selectors imports the models

        context = super().get_context(request, *args, **kwargs)
        context["sections"] = selectors.knowledge_sections(request.user)
        return context


class FactSheetIndexPage(PortalPage):
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["knowledge.KnowledgeIndexPage"]
    subpage_types = ["knowledge.CountryFactSheetsPage"]
    max_count = 1

    class Meta:
        verbose_name = "fact sheet index"

    def get_context(self, request, *args, **kwargs):
        from knowledge import selectors  # cycle: knowledge.selectors imports the models

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        # Built only when the cached fragment (the template's {% cache %}) is missing.
        context["matrix"] = SimpleLazyObject(lambda: selectors.fact_sheet_matrix(user=user))
        context["matrix_cache_key"] = fragment_key(
            "knowledge:fact-sheet-matrix", user, timezone.localdate().isoformat()
        )
        context["fragment_seconds"] = FRAGMENT_SECONDS
        return context


class CountryFactSheetsPage(PortalPage):
    """One country's fact sheets; editors' page permissions are granted on this page."""

    country = models.OneToOneField(
        "portal.Country", on_delete=models.PROTECT, related_name="fact_sheets_page"
    )
    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("country"), FieldPanel("intro")]
    parent_page_types = ["knowledge.FactSheetIndexPage"]
    subpage_types = ["knowledge.FactSheetPage"]
    copy_form_class = NoAliasCopyForm

    class Meta:
        verbose_name = "country fact sheets"
        verbose_name_plural = "country fact sheets"

    def get_context(self, request, *args, **kwargs):
        from knowledge import selectors  # cycle: knowledge.selectors imports the models

        context = super().get_context(request, *args, **kwargs)
        context["sheets"] = selectors.country_fact_sheets(self.country, user=request.user)
        context["index_page"] = self.get_parent()
        return context


# --- Fact sheets ----------------------------------------------------------------------------


class FactSheetPageForm(WagtailAdminPageForm):
    """One sheet per topic and country: the country comes from the parent page, and a topic
    the country already has is a form error (not a database error)."""

    def clean(self):
        cleaned = super().clean()
        parent = self.parent_page.specific if self.parent_page is not None else None
        if isinstance(parent, CountryFactSheetsPage):
            self.instance.country_id = parent.country_id
        topic = cleaned.get("topic")
        if topic and self.instance.country_id:
            taken = FactSheetPage.objects.filter(
                country_id=self.instance.country_id, topic=topic
            ).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("topic", "This country already has a fact sheet on this topic.")
        return cleaned


class FactSheetPage(AttachmentsTextMixin, PortalPage):
    country = models.ForeignKey(
        "portal.Country",
        on_delete=models.PROTECT,
        related_name="fact_sheets",
        editable=False,
        help_text="Set from the parent country page.",
    )
    topic = models.CharField(max_length=40, choices=TOPIC_CHOICES)
    search_country = models.CharField(max_length=2, editable=False, db_index=True)
    search_topic = models.CharField(max_length=40, editable=False, db_index=True)
    language = _language_field()
    summary = models.TextField(
        max_length=1000, blank=True, help_text="The answer in a few sentences."
    )
    body = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    last_reviewed = models.DateField(
        default=timezone.localdate, help_text="When the national editor last checked the sheet."
    )
    review_interval_months = models.PositiveSmallIntegerField(
        default=12, help_text="Months after the last review when the sheet is due again."
    )

    base_form_class = FactSheetPageForm
    copy_form_class = NoAliasCopyForm
    search_language_field = "language"
    content_panels = [
        *Page.content_panels,
        FieldPanel("topic"),
        FieldPanel("language"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("last_reviewed"), FieldPanel("review_interval_months")])],
            heading="Review",
        ),
        InlinePanel("cross_border_rules", label="Cross-border rules (per neighbouring country)"),
        InlinePanel("contact_points", label="Contact points"),
        InlinePanel("legal_bases", label="Legal basis"),
        FieldPanel("body"),
        InlinePanel("documents", label="Documents"),
    ]
    parent_page_types = ["knowledge.CountryFactSheetsPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("structured_text"),
        index.SearchField("attachments_text"),
        index.AutocompleteField("title"),
        index.FilterField("search_country"),
        index.FilterField("search_topic"),
        index.FilterField("language"),
        index.FilterField("last_reviewed"),
    ]

    class Meta:
        verbose_name = "fact sheet"
        permissions = [
            ("review_fact_sheets", "Can review fact sheets of every country"),
            ("edit_country_fact_sheets", "Can edit their own country's fact sheets"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["country", "topic"], name="fact_sheet_one_per_topic"),
            models.CheckConstraint(
                condition=Q(topic__in=TOPIC_SLUGS), name="fact_sheet_topic_known"
            ),
            models.CheckConstraint(
                condition=Q(search_topic=models.F("topic")), name="fact_sheet_search_topic"
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__gte=1) & Q(review_interval_months__lte=60),
                name="fact_sheet_review_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(language__regex=LANGUAGE_RE), name="fact_sheet_language_iso"
            ),
        ]

    def _set_denormalised(self):
        parent = self.get_parent() if self.path and self.depth else None
        if parent is not None:
            parent = parent.specific
            if isinstance(parent, CountryFactSheetsPage):
                self.country_id = parent.country_id
        if self.country_id:
            self.search_country = (
                Country.objects.filter(pk=self.country_id).values_list("code", flat=True).first()
                or ""
            )
        self.search_topic = self.topic

    def minimal_clean(self):
        # Wagtail validates drafts (live=False) with this instead of full_clean().
        super().minimal_clean()
        self._set_denormalised()

    def clean(self):
        super().clean()
        self._set_denormalised()
        if not 1 <= (self.review_interval_months or 0) <= 60:
            raise ValidationError({"review_interval_months": "Between 1 and 60 months."})
        if self.country_id and self.topic:
            taken = FactSheetPage.objects.filter(country_id=self.country_id, topic=self.topic)
            if self.pk:
                taken = taken.exclude(pk=self.pk)
            if taken.exists():
                raise ValidationError(
                    {"topic": "This country already has a fact sheet on this topic."}
                )

    def __str__(self):
        return self.title

    @property
    def topic_info(self):
        return topic_by_slug(self.topic)

    @property
    def review_due(self):
        return self.last_reviewed + relativedelta(months=self.review_interval_months)

    def is_overdue_on(self, day):
        return self.review_due <= day

    @property
    def is_overdue(self):
        return self.is_overdue_on(timezone.localdate())

    def structured_text(self):
        """The structured values in words, one line each, for search and revision diffs
        (e.g. "Hot pursuit by officers of Germany: right to apprehend; no limit in space;
        no limit in time (no time limit)")."""
        lines = [rule.as_text() for rule in self.cross_border_rules.all()]
        lines += [contact.as_text() for contact in self.contact_points.all()]
        lines += [basis.as_text() for basis in self.legal_bases.all()]
        return "\n".join(lines)

    def get_context(self, request, *args, **kwargs):
        from knowledge import selectors  # cycle: knowledge.selectors imports the models

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.fact_sheet_context(self, request=request))
        return context


class CrossBorderRule(Orderable):
    """What officers of `neighbour` may do on the territory of the sheet's country."""

    class Action(models.TextChoices):
        HOT_PURSUIT = "hot_pursuit", "Hot pursuit"
        SURVEILLANCE = "surveillance", "Cross-border surveillance"
        JOINT_PATROL = "joint_patrol", "Joint patrol"

    class Apprehension(models.TextChoices):
        # Art. 41(2) CISA: under (a) the pursuing officers may not apprehend; under (b) they
        # may detain the person until the local officers take over.
        NO_RIGHT = "a", "No right to apprehend: local officers apprehend (Art. 41(2)(a))"
        RIGHT = "b", "Right to apprehend (Art. 41(2)(b))"

    class Offences(models.TextChoices):
        LIST = "list", "Offences listed in Art. 41(4)(a)"
        EXTRADITABLE = "extraditable", "Extraditable offences (Art. 41(4)(b))"

    TRANSPORT_CHOICES = [("land", "Land"), ("sea", "Sea"), ("air", "Air")]

    page = ParentalKey(FactSheetPage, on_delete=models.CASCADE, related_name="cross_border_rules")
    action = models.CharField(max_length=20, choices=Action.choices)
    neighbour = models.ForeignKey(
        "portal.Country",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The country whose officers the rule is for.",
    )
    apprehension = models.CharField(
        "right to apprehend", max_length=1, choices=Apprehension.choices, blank=True
    )
    limit_km = models.PositiveIntegerField(
        "limit in space (km)", null=True, blank=True, help_text="Empty: no limit in space."
    )
    limit_hours = models.PositiveIntegerField(
        "limit in time (hours)", null=True, blank=True, help_text="Empty: no limit in time."
    )
    offences = models.CharField(max_length=20, choices=Offences.choices, blank=True)
    transport = CommaSeparatedChoicesField(
        "means of transport allowed", blank=True, item_choices=TRANSPORT_CHOICES
    )
    notify = models.CharField(
        "whom to notify", max_length=255, blank=True, help_text="Whom to notify when crossing."
    )
    conditions = models.TextField(
        blank=True, help_text="Other conditions, e.g. prior authorisation for surveillance."
    )

    panels = [
        FieldRowPanel([FieldPanel("action"), FieldPanel("neighbour")]),
        FieldRowPanel([FieldPanel("apprehension"), FieldPanel("offences")]),
        FieldRowPanel([FieldPanel("limit_km"), FieldPanel("limit_hours")]),
        FieldPanel("transport"),
        FieldPanel("notify"),
        FieldPanel("conditions"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "cross-border rule"
        constraints = [
            models.UniqueConstraint(
                fields=["page", "action", "neighbour"], name="cross_border_rule_one_per_neighbour"
            ),
            models.CheckConstraint(
                condition=Q(action__in=["hot_pursuit", "surveillance", "joint_patrol"]),
                name="cross_border_rule_action_known",
            ),
            models.CheckConstraint(
                condition=Q(apprehension__in=["", "a", "b"]),
                name="cross_border_rule_apprehension_known",
            ),
            models.CheckConstraint(
                condition=Q(offences__in=["", "list", "extraditable"]),
                name="cross_border_rule_offences_known",
            ),
            models.CheckConstraint(
                condition=Q(limit_km__isnull=True) | Q(limit_km__gte=1),
                name="cross_border_rule_km_positive",
            ),
            models.CheckConstraint(
                condition=Q(limit_hours__isnull=True) | Q(limit_hours__gte=1),
                name="cross_border_rule_hours_positive",
            ),
            models.CheckConstraint(
                condition=Q(transport__regex=r"^((land|sea|air)(,(land|sea|air))*)?$"),
                name="cross_border_rule_transport_known",
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.neighbour}"

    # Plain-text renderings (search, diffs, comparison).
    @property
    def limit_space_text(self):
        return "no limit in space" if self.limit_km is None else f"{self.limit_km} km"

    @property
    def limit_time_text(self):
        if self.limit_hours is None:
            return "no limit in time"
        return f"{self.limit_hours} hour" + ("" if self.limit_hours == 1 else "s")

    @property
    def apprehension_text(self):
        return {
            "a": "no right to apprehend (local officers apprehend)",
            "b": "right to apprehend",
        }.get(self.apprehension, "")

    @property
    def offences_text(self):
        return {
            "list": "offences listed in Art. 41(4)(a) CISA",
            "extraditable": "extraditable offences",
        }.get(self.offences, "")

    @property
    def transport_text(self):
        labels = dict(self.TRANSPORT_CHOICES)
        items = [labels.get(item, item).lower() for item in self.transport.split(",") if item]
        return ", ".join(items)

    def as_text(self):
        parts = []
        if self.apprehension_text:
            parts.append(self.apprehension_text)
        parts.append(self.limit_space_text)
        time_text = self.limit_time_text
        if self.limit_hours is None:
            time_text += " (no time limit)"
        parts.append(time_text)
        if self.offences_text:
            parts.append(f"offences: {self.offences_text}")
        if self.transport_text:
            parts.append(f"means of transport: {self.transport_text}")
        if self.notify:
            parts.append(f"notify: {self.notify}")
        if self.conditions:
            parts.append(f"conditions: {' '.join(self.conditions.split())}")
        return f"{self.get_action_display()} by officers of {self.neighbour}: " + "; ".join(parts)

    def clean(self):
        super().clean()
        if self.action != self.Action.HOT_PURSUIT and (self.apprehension or self.offences):
            raise ValidationError(
                "The right to apprehend and the offences apply to hot pursuit only."
            )


class ContactPoint(Orderable):
    class Service(models.TextChoices):
        SPOC = "spoc", "SPOC (24/7)"
        EUROPOL = "europol_national_unit", "Europol national unit"
        SIRENE = "sirene", "SIRENE bureau"
        INTERPOL = "interpol_ncb", "Interpol NCB"
        PCCC = "pccc", "Police and customs cooperation centre"
        OTHER = "other", "Other"

    page = ParentalKey(FactSheetPage, on_delete=models.CASCADE, related_name="contact_points")
    service = models.CharField(max_length=30, choices=Service.choices)
    name = models.CharField(max_length=200)
    available_24_7 = models.BooleanField("available 24/7", default=False)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    languages = models.CharField(
        max_length=100,
        blank=True,
        validators=[validate_language_list],
        help_text="ISO 639-1 codes separated by commas, e.g. en,fr,nl.",
    )

    panels = [
        FieldRowPanel([FieldPanel("service"), FieldPanel("available_24_7")]),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldPanel("languages"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "contact point"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    service__in=[
                        "spoc",
                        "europol_national_unit",
                        "sirene",
                        "interpol_ncb",
                        "pccc",
                        "other",
                    ]
                ),
                name="contact_point_service_known",
            ),
            models.CheckConstraint(
                condition=Q(languages__regex=LANGUAGE_LIST_RE),
                name="contact_point_languages_iso",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="contact_point_name_set"),
        ]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # " FR, nl" is accepted as "fr,nl" (normalised before the format is checked).
        self.languages = ",".join(
            code.strip().lower() for code in (self.languages or "").split(",") if code.strip()
        )
        super().clean_fields(exclude=exclude)

    @property
    def language_list(self):
        return [code for code in self.languages.split(",") if code]

    def as_text(self):
        parts = [self.get_service_display(), self.name]
        parts.append("available 24/7" if self.available_24_7 else "not available 24/7")
        if self.phone:
            parts.append(f"phone {self.phone}")
        if self.email:
            parts.append(f"email {self.email}")
        if self.languages:
            parts.append(f"languages {', '.join(self.language_list)}")
        return "Contact point: " + "; ".join(parts)


class LegalBasis(Orderable):
    page = ParentalKey(FactSheetPage, on_delete=models.CASCADE, related_name="legal_bases")
    title = models.CharField(max_length=255)
    reference = models.CharField(max_length=120, blank=True, help_text='e.g. "Art. 41 CISA"')
    source = models.CharField(
        "source document",
        max_length=500,
        blank=True,
        help_text="Reference of the source document, e.g. Council doc. 9410/17.",
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    as_of = models.DateField("as of", null=True, blank=True, help_text="Date of the text used.")

    panels = [
        FieldRowPanel([FieldPanel("title"), FieldPanel("reference")]),
        FieldRowPanel([FieldPanel("source"), FieldPanel("as_of")]),
        FieldPanel("document"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = "legal basis"
        verbose_name_plural = "legal bases"
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="legal_basis_title_set")]

    def __str__(self):
        return self.title

    def as_text(self):
        parts = [self.title]
        if self.reference:
            parts.append(self.reference)
        if self.source:
            parts.append(f"source: {self.source}")
        if self.as_of:
            parts.append(f"as of {self.as_of.isoformat()}")
        return "Legal basis: " + "; ".join(parts)


class FactSheetDocument(AttachedDocument):
    page = ParentalKey(FactSheetPage, on_delete=models.CASCADE, related_name="documents")


# --- Best practices -------------------------------------------------------------------------


class BestPracticeIndexPage(KnowledgeListingPage):
    subpage_types = ["knowledge.BestPracticePage"]
    listing_context = "best_practice_list_context"

    class Meta:
        verbose_name = "best practice index"


class BestPracticeTag(TaggedItemBase):
    content_object = ParentalKey(
        "knowledge.BestPracticePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class KnowledgeItemMixin:
    """Best practices, obstacles and reference documents: pages with a `countries`
    ParentalManyToManyField and attached documents. `search_country` is the lowest ISO code
    among the countries, `search_topic` (where there is one) the topic, both set when the
    page is validated; the page shows its attachments and links back to its index."""

    def _set_search_filters(self):
        codes = sorted(country.code for country in self.countries.all())
        self.search_country = codes[0] if codes else ""
        if hasattr(self, "search_topic"):
            self.search_topic = self.topic

    def clean(self):
        super().clean()
        self._set_search_filters()

    def minimal_clean(self):
        # Wagtail validates drafts (live=False) with this instead of full_clean().
        super().minimal_clean()
        self._set_search_filters()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = self.attachment_documents()
        context["index_page"] = self.get_parent()
        return context

    @property
    def country_list(self):
        return sorted(self.countries.all(), key=lambda country: country.name)


# The name under which knowledge/migrations/0001 lists the mixin among the pages' bases.
CountriesMixin = KnowledgeItemMixin


class BestPracticePage(KnowledgeItemMixin, AttachmentsTextMixin, PortalPage):
    class Category(models.TextChoices):
        WORKFLOW = "workflow", "Workflow"
        IT = "it_case_management", "IT and case management"
        TRAINING = "training", "Training"
        LEGAL = "legal", "Legal"
        COOPERATION = "cooperation", "Cooperation"

    summary = models.TextField(max_length=1000, blank=True)
    body = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    countries = ParentalManyToManyField(
        "portal.Country",
        blank=True,
        related_name="best_practices",
        verbose_name="submitting countries",
    )
    category = models.CharField(max_length=30, choices=Category.choices)
    tags = ClusterTaggableManager(through=BestPracticeTag, blank=True)
    presented_at = models.ForeignKey(
        "meetings.MeetingPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The network meeting where it was presented.",
    )
    language = _language_field()
    search_country = models.CharField(max_length=2, blank=True, editable=False, db_index=True)

    search_language_field = "language"
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("category"), FieldPanel("language")]),
        FieldPanel("countries", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        FieldPanel("presented_at"),
        FieldPanel("body"),
        InlinePanel("documents", label="Documents"),
    ]
    parent_page_types = ["knowledge.BestPracticeIndexPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("tag_text"),
        index.SearchField("attachments_text"),
        index.FilterField("search_country"),
        index.FilterField("category"),
        index.FilterField("language"),
    ]

    class Meta:
        verbose_name = "best practice"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    category__in=[
                        "workflow",
                        "it_case_management",
                        "training",
                        "legal",
                        "cooperation",
                    ]
                ),
                name="best_practice_category_known",
            ),
            models.CheckConstraint(
                condition=Q(language__regex=LANGUAGE_RE), name="best_practice_language_iso"
            ),
        ]

    def tag_text(self):
        return " ".join(tag.name for tag in self.tags.all())


class BestPracticeDocument(AttachedDocument):
    page = ParentalKey(BestPracticePage, on_delete=models.CASCADE, related_name="documents")


# --- Obstacles register ---------------------------------------------------------------------


class ObstacleIndexPage(KnowledgeListingPage):
    subpage_types = ["knowledge.ObstaclePage"]
    listing_context = "obstacle_list_context"

    class Meta:
        verbose_name = "obstacles register"


class ObstacleTag(TaggedItemBase):
    content_object = ParentalKey(
        "knowledge.ObstaclePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class ObstacleStatus(models.TextChoices):
    OPEN = "open", "Open"
    UNDER_DISCUSSION = "under_discussion", "Under discussion"
    SOLVED = "solved", "Solved"
    RAISED_WITH_DAPIX = "raised_with_dapix", "Raised with DAPIX"


class ObstaclePage(KnowledgeItemMixin, AttachmentsTextMixin, PortalPage):
    """A legal, pragmatic or technical obstacle to cross-border cooperation. Status changes
    are recorded in ObstacleStatusChange by knowledge.services (from the admin: on
    publication)."""

    class Kind(models.TextChoices):
        LEGAL = "legal", "Legal"
        PRAGMATIC = "pragmatic", "Pragmatic"
        TECHNICAL = "technical", "Technical"

    Status = ObstacleStatus

    description = RichTextField(features=RICH_TEXT_FEATURES)
    countries = ParentalManyToManyField(
        "portal.Country", blank=True, related_name="obstacles", verbose_name="countries concerned"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    proposed_solutions = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    status = models.CharField(
        max_length=20, choices=ObstacleStatus.choices, default=ObstacleStatus.OPEN
    )
    raised_at = models.ForeignKey(
        "meetings.MeetingPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The network meeting where it was raised.",
    )
    tags = ClusterTaggableManager(through=ObstacleTag, blank=True)
    language = _language_field()
    search_country = models.CharField(max_length=2, blank=True, editable=False, db_index=True)

    search_language_field = "language"
    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("kind"), FieldPanel("status"), FieldPanel("language")]),
        FieldPanel("countries", widget=forms.CheckboxSelectMultiple),
        FieldPanel("description"),
        FieldPanel("proposed_solutions"),
        FieldPanel("raised_at"),
        FieldPanel("tags"),
        InlinePanel("documents", label="Documents"),
    ]
    parent_page_types = ["knowledge.ObstacleIndexPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("description", boost=2),
        index.SearchField("proposed_solutions"),
        index.SearchField("tag_text"),
        index.SearchField("attachments_text"),
        index.FilterField("search_country"),
        index.FilterField("kind"),
        index.FilterField("status"),
        index.FilterField("language"),
    ]

    class Meta:
        verbose_name = "obstacle"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["legal", "pragmatic", "technical"]),
                name="obstacle_kind_known",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "under_discussion", "solved", "raised_with_dapix"]),
                name="obstacle_status_known",
            ),
            models.CheckConstraint(
                condition=Q(language__regex=LANGUAGE_RE), name="obstacle_language_iso"
            ),
        ]

    def tag_text(self):
        return " ".join(tag.name for tag in self.tags.all())

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["history"] = list(
            self.status_changes.select_related("changed_by").order_by("-changed_at", "-pk")
        )
        return context


class ObstacleDocument(AttachedDocument):
    page = ParentalKey(ObstaclePage, on_delete=models.CASCADE, related_name="documents")


class ObstacleStatusChange(models.Model):
    """One step of an obstacle's history (written by services.obstacle_status_change)."""

    obstacle = models.ForeignKey(
        ObstaclePage, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=ObstacleStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ObstacleStatus.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["obstacle", "changed_at", "pk"]
        verbose_name = "obstacle status change"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    to_status__in=["open", "under_discussion", "solved", "raised_with_dapix"]
                )
                & Q(
                    from_status__in=[
                        "",
                        "open",
                        "under_discussion",
                        "solved",
                        "raised_with_dapix",
                    ]
                ),
                name="obstacle_status_change_known",
            ),
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")),
                name="obstacle_status_change_changes",
            ),
        ]

    def __str__(self):
        return f"{self.obstacle}: {self.from_status or '-'} -> {self.to_status}"


# --- Reference documents --------------------------------------------------------------------


class DocumentIndexPage(KnowledgeListingPage):
    subpage_types = ["knowledge.KnowledgeDocumentPage"]
    listing_context = "knowledge_document_list_context"

    class Meta:
        verbose_name = "reference document index"


class KnowledgeDocumentPage(KnowledgeItemMixin, AttachmentsTextMixin, PortalPage):
    """A standalone reference document (e.g. a handbook chapter or a Council document),
    optionally about some countries and a topic. Import kind `document`."""

    summary = models.TextField(max_length=1000, blank=True)
    body = RichTextField(blank=True, features=RICH_TEXT_FEATURES)
    countries = ParentalManyToManyField(
        "portal.Country", blank=True, related_name="knowledge_documents"
    )
    topic = models.CharField(max_length=40, choices=TOPIC_CHOICES, blank=True)
    language = _language_field()
    search_country = models.CharField(max_length=2, blank=True, editable=False, db_index=True)
    search_topic = models.CharField(max_length=40, blank=True, editable=False, db_index=True)

    search_language_field = "language"
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("topic"), FieldPanel("language")]),
        FieldPanel("countries", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
        InlinePanel("documents", label="Files"),
    ]
    parent_page_types = ["knowledge.DocumentIndexPage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("attachments_text"),
        index.FilterField("search_country"),
        index.FilterField("search_topic"),
        index.FilterField("language"),
    ]

    class Meta:
        verbose_name = "reference document"
        constraints = [
            models.CheckConstraint(
                condition=Q(topic="") | Q(topic__in=TOPIC_SLUGS),
                name="knowledge_document_topic_known",
            ),
            models.CheckConstraint(
                condition=Q(language__regex=LANGUAGE_RE), name="knowledge_document_language_iso"
            ),
        ]

    @property
    def topic_info(self):
        return topic_by_slug(self.topic) if self.topic else None


class KnowledgeDocumentFile(AttachedDocument):
    page = ParentalKey(KnowledgeDocumentPage, on_delete=models.CASCADE, related_name="documents")


# --- Editing rights -------------------------------------------------------------------------


class FactSheetEditorGroup(models.Model):
    """The Wagtail group that edits one country's fact sheets (page permissions add + change
    on its CountryFactSheetsPage). National editors of the country are kept in it by
    knowledge.services.fact_sheet_editor_groups_sync."""

    country = models.OneToOneField(
        "portal.Country", on_delete=models.CASCADE, related_name="fact_sheet_editor_group"
    )
    group = models.OneToOneField(
        "auth.Group", on_delete=models.CASCADE, related_name="fact_sheet_editors_of"
    )

    class Meta:
        verbose_name = "fact sheet editor group"

    def __str__(self):
        return str(self.group)


# --- Review reminders -----------------------------------------------------------------------


class ReviewReminder(models.Model):
    """One monthly digest of overdue fact sheets sent to a country's editors (so the monthly
    task sends each country at most one per month)."""

    country = models.ForeignKey("portal.Country", on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="First day of the month the reminder is for.")
    sent_at = models.DateTimeField()
    sheet_count = models.PositiveIntegerField(default=0)
    recipient_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month", "country"]
        constraints = [
            models.UniqueConstraint(fields=["country", "month"], name="review_reminder_monthly"),
            models.CheckConstraint(condition=Q(month__day=1), name="review_reminder_first_day"),
        ]

    def __str__(self):
        return f"Review reminder {self.country} {self.month:%Y-%m}"


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)

