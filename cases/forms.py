"""Forms of the case register. They parse what the officer typed; the rules (closed lists,
the time of receipt, grounds) are the services', whose errors the views put back here."""

from django import forms

from cases import deadlines
from cases.choices import (
    AGENCIES,
    Channel,
    ChannelReason,
    CounterpartKind,
    Direction,
    HandlingCode,
    InformationAccess,
    InformationEvaluation,
    PauseKind,
    PauseOutcome,
    ReferenceKind,
    RefusalGround,
    SourceEvaluation,
    Status,
    SubjectKind,
    UrgencyGround,
)
from portal.models import Country

BLANK = [("", "—")]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time in the SPOC's time zone (the view sets `zone`)."""

    widget = LocalDateTimeInput

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
        super().__init__(**kwargs)
        self.zone = None

    def to_python(self, value):
        result = super().to_python(value)
        if result is not None and self.zone is not None:
            result = result.replace(tzinfo=None).replace(tzinfo=self.zone)
        return result


class ZonedForm(forms.Form):
    def __init__(self, *args, country_code=None, **kwargs):
        super().__init__(*args, **kwargs)
        zone = deadlines.zone_for(country_code)
        for field in self.fields.values():
            if isinstance(field, LocalDateTimeField):
                field.zone = zone
                field.help_text = (field.help_text + f" Time in {zone.key}.").strip()


class CaseForm(ZonedForm):
    direction = forms.ChoiceField(choices=Direction.choices, widget=forms.RadioSelect)
    counterpart_kind = forms.ChoiceField(
        label="Counterpart", choices=CounterpartKind.choices, initial=CounterpartKind.NETWORK
    )
    counterpart_country = forms.ChoiceField(
        label="Country of the network",
        required=False,
        help_text="The requesting (incoming) or requested (outgoing) country.",
    )
    agency = forms.ChoiceField(label="Agency", choices=BLANK + AGENCIES, required=False)
    third_country = forms.CharField(label="Third country", max_length=80, required=False)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.SIENA)
    channel_reason = forms.ChoiceField(
        label="Reason for not using SIENA",
        choices=BLANK + ChannelReason.choices,
        required=False,
        help_text="Required for any channel other than SIENA (Art. 13).",
    )
    summary = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    received_at = LocalDateTimeField(
        label="Received (incoming) or sent (outgoing) at",
        help_text="The Art. 5 deadline runs from the receipt.",
    )
    urgent = forms.BooleanField(required=False)
    urgency_grounds = forms.MultipleChoiceField(
        label="Urgency grounds (Art. 4(4))",
        choices=UrgencyGround.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    information_access = forms.ChoiceField(
        choices=InformationAccess.choices, initial=InformationAccess.DIRECT
    )
    handling_code = forms.ChoiceField(choices=HandlingCode.choices, initial=HandlingCode.H0)
    source_evaluation = forms.ChoiceField(
        choices=SourceEvaluation.choices, initial=SourceEvaluation.X
    )
    information_evaluation = forms.ChoiceField(
        choices=InformationEvaluation.choices, initial=InformationEvaluation.FOUR
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counterpart_country"].choices = BLANK + [
            (c.code, c.name) for c in Country.objects.order_by("name")
        ]
        for kind, label in ReferenceKind.choices:
            self.fields[f"ref_{kind}"] = forms.CharField(label=label, max_length=80, required=False)

    def service_data(self):
        data = self.cleaned_data
        kind = data["counterpart_kind"]
        return {
            "direction": data["direction"],
            "counterpart_kind": kind,
            "counterpart_country": data["counterpart_country"],
            "counterpart_name": (
                data["agency"] if kind == CounterpartKind.AGENCY else data["third_country"]
            ),
            "channel": data["channel"],
            "channel_reason": data["channel_reason"],
            "summary": data["summary"],
            "description": data["description"],
            "received_at": data["received_at"],
            "urgent": data["urgent"],
            "urgency_grounds": data["urgency_grounds"],
            "information_access": data["information_access"],
            "handling_code": data["handling_code"],
            "source_evaluation": data["source_evaluation"],
            "information_evaluation": data["information_evaluation"],
        }

    def references(self):
        return [(kind, self.cleaned_data.get(f"ref_{kind}", "")) for kind in ReferenceKind.values]

    def reference_fields(self):
        return [self[f"ref_{kind}"] for kind in ReferenceKind.values]

    def main_fields(self):
        return [field for field in self if not field.name.startswith("ref_")]


class SubjectForm(forms.Form):
    kind = forms.ChoiceField(choices=BLANK + SubjectKind.choices, required=False)
    name = forms.CharField(
        label="Surname or name",
        max_length=120,
        required=False,
        help_text="Any alphabet: Latin, Greek or Cyrillic.",
    )
    given_names = forms.CharField(max_length=120, required=False)
    date_of_birth = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    identifier = forms.CharField(
        max_length=60, required=False, help_text="Document number, plate or phone number."
    )

    def has_content(self):
        data = getattr(self, "cleaned_data", {})
        return any(data.get(f) for f in ("name", "given_names", "identifier", "date_of_birth"))


SubjectFormSet = forms.formset_factory(SubjectForm, extra=3, max_num=20, absolute_max=20)


class JustificationForm(forms.Form):
    REASONS = [
        ("", "—"),
        ("Covering for the assigned officer", "Covering for the assigned officer"),
        ("Supervision by the head of SPOC", "Supervision by the head of SPOC"),
        ("Linked to a case I handle", "Linked to a case I handle"),
        ("Duty officer (24/7)", "Duty officer (24/7)"),
    ]
    reason = forms.ChoiceField(label="Reason", choices=REASONS, required=False)
    other = forms.CharField(label="Or say why", max_length=300, required=False)

    def clean(self):
        data = super().clean()
        text = (data.get("other") or "").strip() or data.get("reason") or ""
        if not text:
            raise forms.ValidationError("Say why you open this case (it is logged).")
        data["justification"] = text
        return data


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(max_length=300, required=False)


class AnswerForm(forms.Form):
    text = forms.CharField(label="Reply", widget=forms.Textarea(attrs={"rows": 4}))


class RefuseForm(forms.Form):
    grounds = forms.MultipleChoiceField(
        label="Grounds (Art. 6(1))",
        choices=RefusalGround.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    reason = forms.CharField(
        label="Reasons given to the requester",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class PauseStartForm(ZonedForm):
    kind = forms.ChoiceField(label="Why the clock stops", choices=PauseKind.choices)
    started_at = LocalDateTimeField(
        label="Asked for at", required=False, help_text="Leave empty for now."
    )
    reason = forms.CharField(
        label="Reason (told to the requester)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    expected_delay = forms.CharField(max_length=80, required=False)
    requester_informed_on = LocalDateTimeField(
        label="Requester told of the delay at", required=False
    )


class PauseEndForm(ZonedForm):
    outcome = forms.ChoiceField(choices=PauseOutcome.choices)
    ended_at = LocalDateTimeField(
        label="Granted, refused or clarified at", required=False, help_text="Leave empty for now."
    )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label="Assign to", required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "Nobody")] + [(str(p.pk), str(p)) for p in people]


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}))


class LinkForm(forms.Form):
    number = forms.CharField(label="Registration number of the related case", max_length=30)


class LookupForm(forms.Form):
    number = forms.CharField(label="Registration number", max_length=30)


class CaseSettingsForm(forms.Form):
    approve_urgent = forms.BooleanField(
        label="Replies to urgent requests need a second person's approval", required=False
    )
    approve_not_urgent = forms.BooleanField(
        label="Replies to other requests need a second person's approval", required=False
    )
