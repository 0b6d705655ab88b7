"""Forms of the agenda part of the meeting page: proposals, agenda items, minutes, action
items. They only parse what is typed; the rules live in meetings.services."""

from django import forms
from django.utils import timezone
from wagtail.documents import get_document_model

from meetings.models import ActionItem, TopicKind
from portal.models import Country, Organisation, OrganisationKind


class _Form(forms.Form):
    """Several forms share the meeting page: each has its own id prefix (field names stay
    plain)."""

    id_prefix = "f"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


def _agencies():
    return Organisation.objects.filter(kind=OrganisationKind.AGENCY).order_by("name")


class ProposalForm(_Form):
    id_prefix = "proposal"

    title = forms.CharField(label="Topic", max_length=200)
    kind = forms.ChoiceField(label="Kind of topic", choices=TopicKind.choices)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies concerned",
        queryset=_agencies(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = _agencies()


class DeclineForm(_Form):
    id_prefix = "decline"

    note = forms.CharField(
        label="Reason",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class _MeetingTimeField(forms.DateTimeField):
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AgendaItemForm(_Form):
    """Slots are typed as wall-clock times of the meeting's own time zone."""

    id_prefix = "item"

    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind of topic", choices=TopicKind.choices, initial="other")
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    starts_at = _MeetingTimeField(label="Slot starts", required=False)
    ends_at = _MeetingTimeField(label="Slot ends", required=False)
    presenter_country = forms.ModelChoiceField(
        label="Presenting country", queryset=Country.objects.none(), required=False
    )
    presenter_organisation = forms.ModelChoiceField(
        label="Presenting agency", queryset=Organisation.objects.none(), required=False
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies concerned",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    documents = forms.ModelMultipleChoiceField(
        label="Documents",
        queryset=get_document_model().objects.none(),
        required=False,
        # The shared form include gives multiple choices a legend, not a <label>.
        widget=forms.SelectMultiple(attrs={"aria-label": "Documents"}),
    )

    def __init__(self, *args, meeting, **kwargs):
        self.meeting = meeting
        super().__init__(*args, **kwargs)
        self.fields["presenter_country"].queryset = Country.objects.order_by("name")
        self.fields["presenter_organisation"].queryset = _agencies()
        self.fields["agencies"].queryset = _agencies()
        self.fields["documents"].queryset = get_document_model().objects.order_by("title")
        tz = meeting.tzinfo
        self.fields["starts_at"].help_text = f"Time in {meeting.time_zone}."
        for name in ("starts_at", "ends_at"):
            value = self.initial.get(name)
            if value is not None and not self.is_bound:
                self.initial[name] = timezone.localtime(value, tz).replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        current = timezone.get_current_timezone()
        for name in ("starts_at", "ends_at"):
            value = cleaned.get(name)
            if value is not None:
                wall_clock = timezone.localtime(value, current).replace(tzinfo=None)
                cleaned[name] = wall_clock.replace(tzinfo=self.meeting.tzinfo)
        return cleaned


class MinutesForm(_Form):
    id_prefix = "minutes"

    minutes_text = forms.CharField(
        label="Minutes",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    conclusions = forms.CharField(
        label="Conclusions",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    change_note = forms.CharField(label="What changed", required=False, max_length=255)
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class ActionItemForm(_Form):
    id_prefix = "action"

    title = forms.CharField(label="Action", max_length=255)
    owner_country = forms.ModelChoiceField(
        label="Owner country", queryset=Country.objects.none(), required=False
    )
    owner_organisation = forms.ModelChoiceField(
        label="Owner agency", queryset=Organisation.objects.none(), required=False
    )
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    agenda_item = forms.TypedChoiceField(
        label="Agenda item", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, meeting, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.items = {item.pk: item for item in items}
        self.fields["owner_country"].queryset = Country.objects.order_by("name")
        self.fields["owner_organisation"].queryset = _agencies()
        self.fields["agenda_item"].choices = [("", "—")] + [
            (item.pk, f"{item.position}. {item.title}") for item in items
        ]

    def clean_agenda_item(self):
        value = self.cleaned_data.get("agenda_item")
        return self.items.get(value) if value is not None else None


class ActionStatusForm(_Form):
    id_prefix = "status"

    status = forms.ChoiceField(label="Status", choices=ActionItem.Status.choices)
    note = forms.CharField(label="Note", required=False, max_length=2000)


class ActionFilterForm(_Form):
    id_prefix = "filter"

    STATUS_CHOICES = [("", "Open and in progress"), *ActionItem.Status.choices, ("all", "All")]

    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    owner = forms.ChoiceField(label="Owner", required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [
            ("", "Anyone"),
            ("Countries", [(f"c{c.pk}", c.name) for c in Country.objects.order_by("name")]),
            ("Agencies", [(f"o{o.pk}", o.name) for o in _agencies()]),
        ]
