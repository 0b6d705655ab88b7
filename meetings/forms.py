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
