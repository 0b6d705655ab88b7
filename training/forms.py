"""Forms of the training pages: what people type. Thin: the rules (dates, deadlines, who
answers for which country) live in training.services; these only parse."""

from django import forms

from training.models import Level, NeedsAnswer, Profile, TrainingDelegate, TrainingTopic, Urgency


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _blank(choices, label="—"):
    return [("", label), *choices]


class NeedsRoundForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    period_start = forms.DateField(label="Period from", widget=DateInput())
    period_end = forms.DateField(label="Period to", widget=DateInput())
    deadline = forms.DateField(
        label="Deadline for answers",
        widget=DateInput(),
        help_text="The last day on which countries can answer.",
    )
    introduction = forms.CharField(
        label="Introduction for the countries",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    topics = forms.ModelMultipleChoiceField(
        label="Topics asked about",
        queryset=TrainingTopic.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Every active topic when none is ticked.",
    )

    def __init__(self, *args, lock_topics=False, **kwargs):
        super().__init__(*args, **kwargs)
        if lock_topics:
            del self.fields["topics"]


class NeedsAnswersForm(forms.Form):
    """One row per topic of the round: staff to train, profile, level, urgency, comment.
    Field names are `<field>-<topic id>`; `rows` pairs each topic with its bound fields for
    the table, and `answers()` gives the services' input."""

    FIELD_NAMES = ("staff_count", "profile", "level", "urgency", "comment")

    def __init__(self, *args, topics, answers=None, **kwargs):
        answers = answers or {}
        initial = kwargs.pop("initial", None) or {}
        for topic in topics:
            answer = answers.get(topic.pk)
            if answer is not None:
                for name in self.FIELD_NAMES:
                    initial[f"{name}-{topic.pk}"] = getattr(answer, name)
        super().__init__(*args, initial=initial, **kwargs)
        self.topics = list(topics)
        for topic in self.topics:
            self.fields[f"staff_count-{topic.pk}"] = forms.IntegerField(
                label=f"Staff to train in {topic.name}",
                required=False,
                min_value=0,
                max_value=NeedsAnswer.MAX_STAFF,
                widget=forms.NumberInput(attrs={"class": "input-number", "min": 0}),
            )
            self.fields[f"profile-{topic.pk}"] = forms.ChoiceField(
                label=f"Profile for {topic.name}", required=False, choices=_blank(Profile.choices)
            )
            self.fields[f"level-{topic.pk}"] = forms.ChoiceField(
                label=f"Proficiency level for {topic.name}",
                required=False,
                choices=_blank(Level.choices),
            )
            self.fields[f"urgency-{topic.pk}"] = forms.ChoiceField(
                label=f"Urgency for {topic.name}",
                required=False,
                choices=_blank(Urgency.choices),
            )
            self.fields[f"comment-{topic.pk}"] = forms.CharField(
                label=f"Comment on {topic.name}",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 1, "cols": 24}),
            )

    @property
    def rows(self):
        return [
            {"topic": topic, "fields": [self[f"{name}-{topic.pk}"] for name in self.FIELD_NAMES]}
            for topic in self.topics
        ]

    def answers(self):
        return {
            topic.pk: {
                name: self.cleaned_data.get(f"{name}-{topic.pk}") for name in self.FIELD_NAMES
            }
            for topic in self.topics
        }

    def add_service_errors(self, errors):
        """Errors from training.services.needs_answers_save ({topic id: {field: [msg]}})."""
        for topic_id, fields in errors.items():
            for name, messages in fields.items():
                key = f"{name}-{topic_id}"
                for message in messages:
                    self.add_error(key if key in self.fields else None, message)


class DelegateForm(forms.Form):
    user = forms.ModelChoiceField(label="Person", queryset=None, empty_label="Choose a person")
    kind = forms.ChoiceField(
        label="What they do", choices=TrainingDelegate.Kind.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates
        self.fields["user"].label_from_instance = lambda user: f"{user} ({user.email})"
