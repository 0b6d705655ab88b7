"""Forms of the meeting page: what a Head of SPOC types to register or replace a delegate.
The rules (cap, waiting list, deadline, one registration per address) live in services."""

from django import forms

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
