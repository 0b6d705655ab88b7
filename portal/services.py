"""Writes: keyword-only, one transaction each, permission checks inside."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.models import APIToken

from portal import permissions, selectors
from portal.models import (
    AccessToken,
    Invitation,
    Role,
    RoleGroup,
    UpdateNotification,
    User,
)
from portal.selectors import hash_invitation_token

if TYPE_CHECKING:
    from portal.models import Organisation, UpdatePage


def _check_roles(actor, roles):
    roles = set(roles)
    unknown = roles - set(Role.values)
    if unknown:
        raise ValidationError(f"Unknown role: {', '.join(sorted(unknown))}.")
    if not roles <= permissions.assignable_roles(actor):
        raise PermissionDenied("You may not give these roles.")
    return sorted(roles)


def _unsent_token_hash():
    """What an invitation holds until its email is sent: no link hashes to it (link hashes are
    64 hex digits), so nothing opens the invitation before the task mints its link."""
    return "unsent-" + secrets.token_hex(28)


@transaction.atomic
def invitation_create(
    *, actor: User, email: str, organisation: Organisation, roles: Iterable[str]
) -> Invitation:
    """Invite a person by email. A new invitation to the same address replaces the actor's
    own open one. Only the invitation's id goes to the email task, which mints the link's
    secret (the task queue keeps its arguments after the task has run)."""
    if not permissions.can_manage_organisation(actor, organisation):
        raise PermissionDenied("You may not invite people to this organisation.")
    roles = _check_roles(actor, roles)
    email = User.objects.normalize_email(email).strip()
    if permissions.is_admin(actor) and email_has_account(email):
        # Administrators see every account anyway. For anyone else the answer must not tell
        # whether the address has an account: the invitation is made as usual and the task
        # tells the address's owner, instead of sending a link.
        raise ValidationError("A user with this email address already exists.")
    now = timezone.now()
    # Inviting an address again replaces one's own open invitation, not someone else's.
    Invitation.objects.select_for_update().filter(
        email__iexact=email, invited_by=actor, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        email=email,
        organisation=organisation,
        roles=roles,
        token_hash=_unsent_token_hash(),
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=settings.PORTAL_INVITATION_DAYS),
    )
    from portal.tasks import send_invitation_email  # cycle: portal.tasks imports the services

    invitation_id = invitation.pk
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation_id=invitation_id))
    return invitation


def email_has_account(email: str) -> bool:
    return (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )


@transaction.atomic
def invitation_link_mint(*, invitation_id: int) -> tuple[Invitation, str | None] | None:
    """Give an open invitation a new link secret and return (invitation, secret); only its
    hash is stored, and any earlier link of this invitation stops working. The secret is
    None when the address already has an account (no link is made: the owner is told
    instead). None when the invitation is no longer open (accepted, revoked or expired
    before the task ran)."""
    # of=("self",): PostgreSQL cannot lock the nullable side of the invited_by outer join.
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or selectors.invitation_state(invitation) != "open":
        return None
    if email_has_account(invitation.email):
        return invitation, None
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_invitation_token(token)
    invitation.save(update_fields=["token_hash"])
    return invitation, token


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if not permissions.can_revoke_invitation(actor, invitation):
        raise PermissionDenied("You may revoke only the invitations you sent.")
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError("This invitation is no longer open.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> User:
    """Bind a newly signed-up user to the invitation: organisation and roles. The row is
    locked so one link makes one account."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has already been used or has expired.")
    user.organisation = invitation.organisation
    user.save(update_fields=["organisation"])
    _apply_roles(user, invitation.roles)
    now = timezone.now()
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # Others may have invited the same address: the account now exists, their links close.
    Invitation.objects.filter(
        email__iexact=invitation.email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    return user


def _apply_roles(user, roles):
    roles = set(roles)
    groups = RoleGroup.objects.filter(role__in=roles - {Role.ADMIN}).values_list(
        "group_id", flat=True
    )
    managed = RoleGroup.objects.values_list("group_id", flat=True)
    user.groups.remove(*managed)
    user.groups.add(*groups)
    if user.is_superuser != (Role.ADMIN in roles):
        user.is_superuser = Role.ADMIN in roles
        user.save(update_fields=["is_superuser"])
    user.__dict__.pop("_role_codes", None)


@transaction.atomic
def user_set_roles(*, actor: User, user: User, roles: Iterable[str]) -> User:
    if not permissions.can_manage_user(actor, user):
        raise PermissionDenied("You may not manage this user.")
    new_roles = set(_check_roles(actor, roles))
    # A head may only change the roles they may give; others the user holds stay as they are.
    kept = set(user.role_codes) - permissions.assignable_roles(actor)
    _apply_roles(user, new_roles | kept)
    return user


DISABLED_FIELDS = ["is_active", "disabled_at", "disabled_by", "disabled_by_administrator"]


def _locked(user):
    return User.objects.select_for_update().get(pk=user.pk)


def _mark_disabled(user, actor):
    user.is_active = False
    user.disabled_at = timezone.now()
    user.disabled_by = actor
    # Without a known actor (a script), the decision is taken as an administrator's.
    user.disabled_by_administrator = actor is None or permissions.is_admin(actor)


def _mark_enabled(user):
    user.is_active = True
    user.disabled_at = None
    user.disabled_by = None
    user.disabled_by_administrator = False


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Disable an account, record who did it and when, end every session and revoke every
    token it has."""
    if not permissions.can_manage_user(actor, user):
        raise PermissionDenied("You may not manage this user.")
    user = _locked(user)
    if not user.is_active:
        # Already disabled: the record of who did it stands (disabling again must not turn
        # an administrator's decision into one a Head may undo).
        return user
    _mark_disabled(user, actor)
    user.save(update_fields=DISABLED_FIELDS)
    user_access_end(user=user)
    return user


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    user = _locked(user)  # judged on the current record, not on what the page showed
    if not permissions.can_reactivate_user(actor, user):
        raise PermissionDenied("Only an administrator can enable this account again.")
    _mark_enabled(user)
    user.save(update_fields=DISABLED_FIELDS)
    return user


@transaction.atomic
def user_active_state_set_in_admin(*, actor: User, user: User, active: bool) -> User:
    """The Wagtail admin's user editor or bulk action changed `is_active` itself (only
    administrators reach it): record the change as `user_deactivate`/`user_reactivate` do."""
    if active:
        _mark_enabled(user)
        User.objects.filter(pk=user.pk).update(
            disabled_at=None, disabled_by=None, disabled_by_administrator=False
        )
        return user
    _mark_disabled(user, actor)
    User.objects.filter(pk=user.pk).update(
        is_active=False,
        disabled_at=user.disabled_at,
        disabled_by=actor,
        disabled_by_administrator=user.disabled_by_administrator,
    )
    user_access_end(user=user)
    return user


def user_sessions_end(*, user: User) -> None:
    for session in UserSession.objects.filter(user=user):
        session.end()


@transaction.atomic
def user_tokens_revoke(*, user: User) -> None:
    """End every credential that works without a session: API tokens are revoked (the rows
    stay for the record) and feed and calendar tokens are dropped, so their addresses stop
    working and the account page shows new ones. Called when the password is changed, set
    or reset, when a second factor is removed and when the account is disabled."""
    APIToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    AccessToken.objects.filter(user=user).delete()


@transaction.atomic
def user_access_end(*, user: User) -> None:
    """A disabled account: log it out everywhere and revoke its tokens (enabling it again
    brings neither back)."""
    user_sessions_end(user=user)
    user_tokens_revoke(user=user)


@transaction.atomic
def user_email_set_by_admin(*, user: User) -> EmailAddress | None:
    """An administrator entered the address in the Wagtail admin: make it the account's
    primary login address. It counts as verified because the account has no password the
    administrator knows: the only way in is the password-reset link sent to that mailbox."""
    if not user.email:
        return None
    EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).update(primary=False)
    address, _created = EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=user.email,
        defaults={"email": user.email, "verified": True, "primary": True},
    )
    return address


@transaction.atomic
def user_update_preferences(*, user: User, notify_updates: bool) -> User:
    user.notify_updates = bool(notify_updates)
    user.save(update_fields=["notify_updates"])
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[APIToken, str]:
    """A new API token for the user; the plaintext is returned once and never stored."""
    return APIToken.create_token(user=user, name=name)


@transaction.atomic
def api_token_revoke(*, token: APIToken) -> None:
    token.revoke()


@transaction.atomic
def update_email_queue(*, page: UpdatePage) -> UpdateNotification | None:
    """Queue the members' email about a published update. Wagtail also sends `page_published`
    when a revision is only *scheduled* (go_live_at in the future), so nothing is queued until
    the page is actually live; the email then goes out once per update, however often it is
    republished. Returns the notification record, or None when nothing was queued."""
    if not page.live:
        return None
    notification, created = UpdateNotification.objects.get_or_create(
        page_id=page.pk, defaults={"queued_at": timezone.now()}
    )
    if notification.sent_at is not None:
        return notification
    if not created:
        # Queued before but not sent (e.g. unpublished before the worker ran): queue again;
        # the task claims the notification atomically, so duplicates send nothing.
        notification.queued_at = timezone.now()
        notification.save(update_fields=["queued_at"])
    from portal.tasks import send_update_notification  # cycle: portal.tasks imports the services

    page_id = page.pk
    transaction.on_commit(lambda: send_update_notification.enqueue(page_id=page_id))
    return notification
