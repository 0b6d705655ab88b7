"""The Wagtail admin's user management, extended with the portal's organisation field.
Administrators manage everyone here (admin access is for staff roles only); a Head of SPOC
manages their own country from the portal's People pages instead."""

from django import forms
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import EditView, UserViewSet

from portal.models import Organisation
from portal.services import user_sessions_end


class _OrganisationFieldMixin(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.select_related("country"),
        required=False,
        help_text="The country's SPOC or the agency the person belongs to.",
    )
    notify_updates = forms.BooleanField(label="Email Presidency updates", required=False)


class PortalUserCreationForm(_OrganisationFieldMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"organisation", "notify_updates"}


class PortalUserEditForm(_OrganisationFieldMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"organisation", "notify_updates"}


class PortalUserEditView(EditView):
    def save_instance(self):
        was_active = self.form.initial.get("is_active", True)
        instance = super().save_instance()
        if was_active and not instance.is_active:
            user_sessions_end(user=instance)
        return instance


class PortalUserViewSet(UserViewSet):
    edit_view_class = PortalUserEditView

    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm
