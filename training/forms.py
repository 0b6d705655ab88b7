"""Forms of the training pages: what people type. Thin: the rules (dates, deadlines, who
answers for which country) live in training.services; these only parse."""

from django import forms

from portal.models import Country
from training import conf
from training.models import (
    LANGUAGES,
    Course,
    Level,
    NeedsAnswer,
    Profile,
    Session,
    TrainingDelegate,
    TrainingTopic,
    Urgency,
)
from training.services import SESSION_FIELDS


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


# --- Courses and sessions -------------------------------------------------------------------


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class CourseForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    topic = forms.ModelChoiceField(
        label="Topic", queryset=TrainingTopic.objects.filter(active=True), empty_label="Choose"
    )
    level = forms.ChoiceField(label="Proficiency level", choices=_blank(Level.choices, "Choose"))
    organiser = forms.ChoiceField(label="Organiser", choices=(), widget=forms.RadioSelect)
    organiser_country = forms.ModelChoiceField(
        label="Organising country",
        queryset=Country.objects.order_by("name"),
        required=False,
        empty_label="—",
        help_text="Only for a course organised by a country.",
    )
    cepol_code = forms.CharField(label="CEPOL activity code", max_length=30, required=False)
    language = forms.ChoiceField(label="Language", choices=LANGUAGES, initial="en")
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    prerequisites = forms.CharField(
        label="Prerequisites", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    second_approval = forms.BooleanField(
        label="Nominations also need the National Unit / CEPOL National Contact Point's approval",
        required=False,
    )

    def __init__(self, *args, organisers, topic_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].choices = [
            (value, label) for value, label in Course.Organiser.choices if value in organisers
        ]
        if len(self.fields["organiser"].choices) == 1:
            self.fields["organiser"].initial = self.fields["organiser"].choices[0][0]
        if Course.Organiser.COUNTRY not in organisers:
            del self.fields["organiser_country"]
        if topic_queryset is not None:
            self.fields["topic"].queryset = topic_queryset
        self.fields["cepol_code"].help_text = (
            "Optional. CEPOL's number for the activity, e.g. 12/2027 "
            f"(accepted form: {conf.cepol_code_pattern()})."
        )


class SessionForm(forms.Form):
    first_day = forms.DateField(label="First day", widget=DateInput())
    last_day = forms.DateField(label="Last day", widget=DateInput())
    daily_start = forms.TimeField(label="Each day from", widget=TimeInput())
    daily_end = forms.TimeField(label="Each day until", widget=TimeInput())
    time_zone = forms.CharField(
        label="Time zone of the venue",
        max_length=64,
        initial="Europe/Brussels",
        help_text="An IANA name, e.g. Europe/Lisbon; the days and times above are in it.",
    )
    venue_kind = forms.ChoiceField(
        label="Where", choices=Session.VenueKind.choices, widget=forms.RadioSelect
    )
    venue = forms.CharField(label="Venue address", max_length=300, required=False)
    online_url = forms.URLField(
        label="Online link",
        required=False,
        assume_scheme="https",
        help_text="Shown to the confirmed participants, the organiser and the trainers only.",
    )
    capacity = forms.IntegerField(label="Capacity (seats)", min_value=1, max_value=1000)
    nomination_deadline = forms.DateField(
        label="Nomination deadline",
        widget=DateInput(),
        help_text="The last day on which nominations are made; before the first day.",
    )
    quota_release_days = forms.IntegerField(
        label="Release unfilled quota seats this many days before the first day",
        min_value=0,
        max_value=365,
        required=False,
    )
    notes = forms.CharField(
        label="Practical notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    documents = forms.ModelMultipleChoiceField(
        label="Documents", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    QUOTA_PREFIX = "quota-"

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quota_release_days"].initial = conf.quota_release_days()
        if documents is None:
            del self.fields["documents"]
        else:
            self.fields["documents"].queryset = documents
        self.countries = list(Country.objects.order_by("name"))
        for country in self.countries:
            self.fields[f"{self.QUOTA_PREFIX}{country.code}"] = forms.IntegerField(
                label=f"Seats reserved for {country.name}",
                required=False,
                min_value=0,
                max_value=1000,
                widget=forms.NumberInput(attrs={"class": "input-number", "min": 0}),
            )

    @property
    def main_fields(self):
        return [field for field in self if not field.name.startswith(self.QUOTA_PREFIX)]

    @property
    def quota_fields(self):
        return [self[f"{self.QUOTA_PREFIX}{country.code}"] for country in self.countries]

    def session_values(self):
        data = dict(self.cleaned_data)
        data.pop("documents", None)
        for country in self.countries:
            data.pop(f"{self.QUOTA_PREFIX}{country.code}", None)
        return data

    def quotas(self):
        return {
            country: self.cleaned_data.get(f"{self.QUOTA_PREFIX}{country.code}")
            for country in self.countries
        }

    @classmethod
    def initial_for(cls, session):
        initial = {name: getattr(session, name) for name in SESSION_FIELDS}
        initial["documents"] = list(session.documents.all())
        for quota in session.quotas.all():
            initial[f"{cls.QUOTA_PREFIX}{quota.country.code}"] = quota.seats
        return initial


# --- Nominations ----------------------------------------------------------------------------


class NominationRequestForm(forms.Form):
    motivation = forms.CharField(
        label="Why this course (for your Head of SPOC)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NominateForm(forms.Form):
    nominee = forms.ModelChoiceField(label="Person", queryset=None, empty_label="Choose a person")

    def __init__(self, *args, candidates, label="Person", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee"].queryset = candidates
        self.fields["nominee"].label = label
        self.fields["nominee"].label_from_instance = lambda user: f"{user} ({user.email})"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
