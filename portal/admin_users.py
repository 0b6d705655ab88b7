"""The Wagtail admin's user management, extended with the portal's organisation field.
Administrators manage everyone here (admin access is for staff roles only); a Head of SPOC
manages their own country from the portal's People pages instead."""

from allauth.account.models import EmailAddress
from django import forms
from django.db import transaction
from wagtail import hooks
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.bulk_actions.set_active_state import SetActiveStateBulkAction
from wagtail.users.views.users import CreateView, EditView, UserViewSet

from portal.models import Organisation, User
from portal.services import user_active_state_set_in_admin, user_email_set_by_admin


class _OrganisationFieldMixin(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.select_related("country"),
        required=False,
        help_text="The country's SPOC or the agency the person belongs to.",
    )
    notify_updates = forms.BooleanField(label="Email Presidency updates", required=False)

    def clean_email(self):
        """People log in by email: one address, one account."""
        email = self.cleaned_data["email"]
        others = User.objects.filter(email__iexact=email)
        addresses = EmailAddress.objects.filter(email__iexact=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
            addresses = addresses.exclude(user_id=self.instance.pk)
        if others.exists() or addresses.exists():
            raise forms.ValidationError("Another account already uses this email address.")
        return email


class PortalUserCreationForm(_OrganisationFieldMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = UserCreationForm.Meta.fields | {"organisation", "notify_updates"}

    def save(self, commit=True):
        user = super().save(commit=False)
        # Passwords are not set in the admin (WAGTAILUSERS_PASSWORD_ENABLED is off): the person
        # chooses one through password reset. Mark it unusable rather than leave it blank.
        if not user.password:
            user.set_unusable_password()
        if commit:
            user.save()
            self.save_m2m()
        return user


class PortalUserEditForm(_OrganisationFieldMixin, UserEditForm):
    class Meta(UserEditForm.Meta):
        fields = UserEditForm.Meta.fields | {"organisation", "notify_updates"}


class PortalUserCreateView(CreateView):
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            user_email_set_by_admin(user=instance)
        return instance


class PortalUserEditView(EditView):
    def save_instance(self):
        with transaction.atomic():
            instance = super().save_instance()
            if "email" in self.form.changed_data:
                user_email_set_by_admin(user=instance)
            if "is_active" in self.form.changed_data:
                user_active_state_set_in_admin(
                    actor=self.request.user, user=instance, active=instance.is_active
                )
        return instance


class PortalSetActiveStateBulkAction(SetActiveStateBulkAction):
    """Wagtail's "set active state" bulk action, which also records who disabled the
    accounts, ends their sessions and revokes their tokens (otherwise they would come back to
    life when the account is enabled again)."""

    @classmethod
    def execute_action(cls, objects, mark_as_active=False, model=None, **kwargs):
        actor = kwargs.get("user")
        changing = [
            user
            for user in objects
            if user.is_active != mark_as_active and (actor is None or user.pk != actor.pk)
        ]
        with transaction.atomic():
            result = super().execute_action(
                objects, mark_as_active=mark_as_active, model=model, **kwargs
            )
            for user in changing:
                user_active_state_set_in_admin(actor=actor, user=user, active=mark_as_active)
        return result


# Registered after Wagtail's own (order 0), so it replaces it for the same action type. This
# module is imported while Wagtail collects hooks (it holds the user viewset).
hooks.register("register_bulk_action", PortalSetActiveStateBulkAction, order=100)


class PortalUserViewSet(UserViewSet):
    add_view_class = PortalUserCreateView
    edit_view_class = PortalUserEditView

    def get_form_class(self, for_update=False):
        return PortalUserEditForm if for_update else PortalUserCreationForm
