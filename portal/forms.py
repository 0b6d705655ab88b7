from django import forms

from portal import permissions, selectors
from portal.models import Role


class InvitationSignupForm(forms.Form):
    """Extra fields on allauth's sign-up form, which only an invitation opens."""

    first_name = forms.CharField(max_length=150, label="First name")
    last_name = forms.CharField(max_length=150, label="Last name")

    def signup(self, request, user):
        user.first_name = self.cleaned_data["first_name"]
        user.last_name = self.cleaned_data["last_name"]
        user.save(update_fields=["first_name", "last_name"])


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


class UserRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, label="Roles", required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices(actor)


class PreferencesForm(forms.Form):
    notify_updates = forms.BooleanField(
        label="Email me when the Presidency publishes an update", required=False
    )
