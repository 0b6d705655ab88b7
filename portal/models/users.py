from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.db.models import Q

from .reference import Organisation


class Role(models.TextChoices):
    HEAD = "head", "Head of SPOC"
    OFFICER = "officer", "SPOC officer"
    EDITOR = "editor", "National editor"
    TRAINER = "trainer", "Trainer"
    PRESIDENCY = "presidency", "Presidency editor"
    PRESIDENCY_APPROVER = "presidency_approver", "Presidency approver"
    AGENCY = "agency", "Agency representative"
    ADMIN = "admin", "Portal administrator"


class RoleGroup(models.Model):
    """Each role is carried by a Django group, so Wagtail's permissions and the admin's user
    editor work on roles directly. The administrator role is the superuser flag instead."""

    role = models.CharField(max_length=30, choices=Role.choices, unique=True)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="portal_role")

    def __str__(self):
        return self.get_role_display()


class User(AbstractUser):
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    notify_updates = models.BooleanField(
        "Email me Presidency updates",
        default=True,
        help_text="Receive an email when the Presidency publishes an update.",
    )
    # Who disabled the account and when (cleared when it is enabled again). Whether that was
    # an administrator is kept apart, so the rule "only administrators undo an
    # administrator's decision" survives the disabler's account being deleted or demoted.
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)
    disabled_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    disabled_by_administrator = models.BooleanField(default=False, editable=False)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disabled_at__isnull=False)
                | Q(disabled_by__isnull=True, disabled_by_administrator=False),
                name="user_disabler_recorded_with_date",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.email or self.username

    @property
    def country(self):
        return self.organisation.country if self.organisation_id else None

    @property
    def role_codes(self):
        """The user's roles; cached on the instance for the request."""
        if not hasattr(self, "_role_codes"):
            codes = set(RoleGroup.objects.filter(group__user=self).values_list("role", flat=True))
            if self.is_superuser:
                codes.add(Role.ADMIN)
            self._role_codes = frozenset(codes)
        return self._role_codes

    def has_role(self, *roles):
        return bool(self.role_codes.intersection(roles))


class Invitation(models.Model):
    """A single-use, expiring invitation to join the portal. Only a hash of the secret in the
    link is stored."""

    email = models.EmailField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    roles = models.JSONField(default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
            # One open invitation per address and inviter: inviting again replaces one's own
            # invitation, never someone else's (whose link keeps working).
            models.UniqueConstraint(
                fields=["email", "invited_by"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email_and_inviter",
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.email}"


class AccessToken(models.Model):
    """Per-user secret for feed readers and calendar clients, which cannot log in. The token
    handed out is signed with SECRET_KEY over the user id and this nonce, so it can be shown
    again; resetting replaces the nonce. (API clients use Wagtail's hashed APIToken.)"""

    class Purpose(models.TextChoices):
        FEED = "feed", "News feeds"
        CALENDAR = "calendar", "Calendar feeds"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    nonce = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "purpose"], name="access_token_one_per_purpose"
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} token of {self.user}"
