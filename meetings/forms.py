"""Forms of the meeting page: what a Head of SPOC types to register or replace a delegate.
The rules (cap, waiting list, deadline, one registration per address) live in services."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from meetings.models import Registration


class DelegateForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    email = forms.EmailField(label="Email")
    attendance = forms.ChoiceField(
        label="Attendance", choices=Registration.Attendance.choices, widget=forms.RadioSelect
    )
    dietary_notes = forms.CharField(
        label="Dietary requirements",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Seen by the organisers only.",
    )
    accessibility_notes = forms.CharField(
        label="Accessibility needs",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Seen by the organisers only.",
    )


class SwapForm(forms.Form):
    name = forms.CharField(label="New delegate's name", max_length=200)
    email = forms.EmailField(label="New delegate's email")


# --- Date polls and feedback ---------------------------------------------------------------

POLL_ROWS = 5


class WallClockField(forms.Field):
    """A date and time as typed (no time zone): the form puts it in the meeting's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    default_error_messages = {"invalid": "Enter a date and time (YYYY-MM-DD HH:MM)."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.replace(tzinfo=None)
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed.replace(tzinfo=None)


class DatePollOpenForm(forms.Form):
    """Up to five candidate dates, typed in the meeting's own time zone."""

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        zone = meeting.time_zone
        for number in range(1, POLL_ROWS + 1):
            required = number <= 2
            self.fields[f"start_{number}"] = WallClockField(
                label=f"Candidate {number}: start ({zone} time)", required=required
            )
            self.fields[f"end_{number}"] = WallClockField(
                label=f"Candidate {number}: end ({zone} time)", required=required
            )
        self.fields["closes_at"] = WallClockField(
            label=f"Answers close at ({zone} time)",
            required=False,
            help_text="Optional. Until then the Heads of SPOC can answer and change answers.",
        )
        self.fields["note"] = forms.CharField(
            label="Note to the heads",
            required=False,
            max_length=1000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def clean(self):
        cleaned = super().clean()
        tz = self.meeting.tzinfo
        options = []
        for number in range(1, POLL_ROWS + 1):
            start, end = cleaned.get(f"start_{number}"), cleaned.get(f"end_{number}")
            if start is None and end is None:
                continue
            if start is None or end is None:
                if f"start_{number}" not in self.errors and f"end_{number}" not in self.errors:
                    missing = "start" if start is None else "end"
                    self.add_error(f"{missing}_{number}", f"Give the candidate's {missing}.")
                continue
            if end <= start:
                self.add_error(f"end_{number}", "A candidate date must end after it starts.")
                continue
            options.append((start.replace(tzinfo=tz), end.replace(tzinfo=tz)))
        if len(options) < 2 and not self.errors:
            raise ValidationError("Offer at least two candidate dates.")
        cleaned["options"] = options
        closes_at = cleaned.get("closes_at")
        cleaned["closes_at"] = closes_at.replace(tzinfo=tz) if closes_at else None
        return cleaned


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How useful was the meeting? (1 poor – 5 excellent)",
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    useful_topics = forms.CharField(
        label="Most useful topics",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    suggestions = forms.CharField(
        label="Suggestions for the next meeting",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --- Activity report ------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"


class ActivityReportCreateForm(forms.Form):
    period_start = forms.DateField(label="First day of the period", widget=DateInput)
    period_end = forms.DateField(label="Last day of the period", widget=DateInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period must end on or after its first day.")
        return cleaned


class ActivityReportSectionForm(forms.Form):
    body = forms.CharField(
        label="Text",
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        help_text="HTML with paragraphs, lists, tables, links, bold and italic; plain text "
        "becomes paragraphs (separate them with a blank line).",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
