"""Forms of the trainer pool and of the delivery of sessions (attendance, evaluations,
certificates). Thin: the rules live in the services."""

from django import forms

from portal.models import Country
from training.models import LANGUAGES, Trainer, TrainingTopic


def _blank(choices, label):
    return [("", label), *choices]


class TrainerProposeForm(forms.Form):
    full_name = forms.CharField(label="Name", max_length=200)
    email = forms.CharField(label="Email address", max_length=254, required=False)
    user = forms.ModelChoiceField(
        label="Portal account",
        queryset=None,
        required=False,
        empty_label="None (no portal account)",
        help_text="When the trainer is a member of your SPOC on the portal.",
    )
    organisation = forms.CharField(label="Organisation", max_length=200)
    topics = forms.ModelMultipleChoiceField(
        label="Topics",
        queryset=TrainingTopic.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label="Languages the trainer teaches in",
        choices=LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
    )
    qualifications = forms.CharField(
        label="Qualifications",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Training, experience as a trainer, certifications.",
    )
    availability = forms.CharField(
        label="Availability notes",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidates, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda user: f"{user} ({user.email})"
        if topics is not None:  # editing: the record's retired topics stay choosable
            self.fields["topics"].queryset = topics


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TrainerFilterForm(forms.Form):
    topic = forms.ModelChoiceField(
        label="Topic",
        queryset=TrainingTopic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All topics",
    )
    language = forms.ChoiceField(
        label="Language", choices=_blank(LANGUAGES, "All languages"), required=False
    )
    country = forms.ModelChoiceField(
        label="Country",
        queryset=Country.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label="All countries",
    )
    status = forms.ChoiceField(
        label="Status", choices=_blank(Trainer.Status.choices, "Any status"), required=False
    )

    def __init__(self, *args, with_status=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_status:
            del self.fields["status"]


class SessionTrainersForm(forms.Form):
    trainers = forms.ModelMultipleChoiceField(
        label="Trainers giving the session",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainers"].queryset = choices
        self.fields["trainers"].label_from_instance = lambda trainer: (
            f"{trainer.full_name} ({trainer.country.name}, {trainer.organisation})"
        )


class EvaluationForm(forms.Form):
    """One field per question of the questionnaire: `q<id>`, radio buttons 1-5 for a Likert
    question, a text area for a free-text one."""

    def __init__(self, *args, questions, **kwargs):
        from training.models.evaluations import LIKERT

        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            if question.is_likert:
                field = forms.TypedChoiceField(
                    label=question.text,
                    choices=LIKERT,
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=False,
                )
            else:
                field = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            if question.required:
                field.label = f"{question.text} (required)"
            self.fields[f"q{question.pk}"] = field

    def answers(self):
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
