from django import forms

from portal import permissions, selectors
from portal.models import Organisation, Role


class InvitationSignupForm(forms.Form):
    """Extra fields on allauth's sign-up form, which only an invitation opens."""

    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The form only opens with an invitation, whose address allauth fills in; the person
        # signs up with that address (the adapter refuses any other on submission).
        if "email" in self.fields:
            self.fields["email"].widget.attrs["readonly"] = True
            self.fields["email"].help_text = "The address your invitation was sent to."

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


def _asks_for_unassignable_roles(form):
    allowed = {value for value, _label in form.fields["roles"].choices}
    return bool(set(form.data.getlist("roles")) & (set(Role.values) - allowed))


def _role_choices(actor):
    allowed = permissions.assignable_roles(actor)
    return [(value, label) for value, label in Role.choices if value in allowed]


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email address")
    organisation = forms.ModelChoiceField(queryset=None, label="Country or organisation")
    roles = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, label="Roles"
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = selectors.organisations_for_invitation(actor)
        self.fields["organisation"].queryset = organisations
        if not permissions.is_admin(actor):
            self.fields["organisation"].initial = organisations.first()
        self.fields["roles"].choices = _role_choices(actor)

    def asks_beyond_actor_scope(self):
        """True when the submitted organisation or roles exist but are not the actor's to
        give (only a forged request can send them)."""
        data = self.data
        organisation_id = data.get("organisation")
        if organisation_id and "organisation" in self.errors:
            others = Organisation.objects.exclude(
                pk__in=self.fields["organisation"].queryset.values("pk")
            )
            if str(organisation_id).isdigit() and others.filter(pk=organisation_id).exists():
                return True
        return _asks_for_unassignable_roles(self)


class UserRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, label="Roles", required=False
    )

    def __init__(self, *args, actor, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices(actor)
        # Roles the person holds that the actor cannot give stay as they are.
        self.kept_roles = set(person.role_codes) - permissions.assignable_roles(actor)

    def clean_roles(self):
        roles = self.cleaned_data["roles"]
        if not roles and not self.kept_roles:
            raise forms.ValidationError(
                "Choose at least one role. To take someone's access away, disable the account."
            )
        return roles

    def asks_beyond_actor_scope(self):
        return _asks_for_unassignable_roles(self)


class PreferencesForm(forms.Form):
    notify_updates = forms.BooleanField(
        label="Email me when the Presidency publishes an update", required=False
    )
