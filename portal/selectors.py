"""Reads, already scoped to what the asking user may see."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from wagtail.models import APIToken

from portal import permissions
from portal.models import Country, Invitation, Organisation, Role, UpdatePage, User
from portal.visibility import visible_pages

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet


def hash_invitation_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _plausible_token(token):
    return bool(token) and len(token) <= 200


def invitation_by_hash(token_hash: str | None) -> Invitation | None:
    """The invitation whose link hashes to this, whatever its state, or None."""
    if not token_hash:
        return None
    return (
        Invitation.objects.select_related("organisation__country")
        .filter(token_hash=token_hash)
        .first()
    )


def invitation_by_token(token: str | None) -> Invitation | None:
    """The invitation behind a link, whatever its state, or None for an unknown token."""
    return invitation_by_hash(hash_invitation_token(token)) if _plausible_token(token) else None


def invitation_state(invitation: Invitation, *, now: datetime | None = None) -> str:
    """Why a link does or does not work: "open", "accepted", "revoked" or "expired"."""
    now = now or timezone.now()
    if invitation.accepted_at:
        return "accepted"
    if invitation.revoked_at:
        return "revoked"
    if invitation.expires_at <= now:
        return "expired"
    return "open"


def invitation_open_by_hash(token_hash: str | None) -> Invitation | None:
    """The invitation whose link hashes to this if it can still be used, else None."""
    if not token_hash:
        return None
    return (
        Invitation.objects.select_related("organisation__country")
        .filter(
            token_hash=token_hash,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def invitation_open_by_token(token: str | None) -> Invitation | None:
    """The invitation behind a link if it can still be used, else None."""
    if not _plausible_token(token):
        return None
    return invitation_open_by_hash(hash_invitation_token(token))


def people_manageable_by(actor: User) -> QuerySet[User]:
    """Users the actor may manage: everyone for administrators, their own country for heads."""
    qs = User.objects.select_related("organisation__country", "disabled_by").prefetch_related(
        "groups__portal_role"
    )
    if permissions.is_admin(actor):
        return qs
    if permissions.can_manage_people(actor):
        return qs.filter(organisation__country=actor.country, is_superuser=False)
    return qs.none()


def people_with_permissions(actor: User, people: Iterable[User]) -> list[User]:
    """Mark each person of a page of `people_manageable_by(actor)` with what the actor may do
    (`manageable`, `can_enable`), using the prefetched roles: no query per person."""
    people = list(people)
    for person in people:
        codes = {
            group.portal_role.role for group in person.groups.all() if hasattr(group, "portal_role")
        }
        if person.is_superuser:
            codes.add(Role.ADMIN)
        person._role_codes = frozenset(codes)
        person.manageable = permissions.can_manage_user(actor, person)
        person.can_enable = not person.is_active and permissions.can_reactivate_user(actor, person)
    return people


def invitations_visible_to(actor: User) -> QuerySet[Invitation]:
    qs = Invitation.objects.select_related("organisation", "invited_by")
    if permissions.is_admin(actor):
        return qs
    if permissions.can_manage_people(actor):
        return qs.filter(organisation__country=actor.country)
    return qs.none()


def invitations_open_visible_to(actor: User, *, limit: int = 50) -> list[Invitation]:
    """Invitations the actor sees whose links still work, soonest to expire first, each
    marked `revocable` when the actor may revoke it (their own, or any for administrators)."""
    invitations = list(
        invitations_visible_to(actor)
        .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("expires_at")[:limit]
    )
    for invitation in invitations:
        invitation.revocable = permissions.can_revoke_invitation(actor, invitation)
    return invitations


def organisations_for_invitation(actor: User) -> QuerySet[Organisation]:
    if permissions.is_admin(actor):
        return Organisation.objects.select_related("country")
    if permissions.can_manage_people(actor):
        return Organisation.objects.filter(country=actor.country)
    return Organisation.objects.none()


def update_list(
    *, user: User | AnonymousUser, audience: str | None = None, limit: int | None = None
) -> QuerySet[UpdatePage]:
    """Published Presidency updates the user may see, newest first: network-wide unless the
    Presidency put an update (or its index) under a privacy setting."""
    qs = visible_pages(user, UpdatePage.objects.order_by("-date", "-first_published_at"))
    if audience:
        qs = qs.filter(audience=audience)
    if limit:
        qs = qs[:limit]
    return qs


def api_token_lifetime() -> timedelta:
    return timedelta(days=settings.PORTAL_API_TOKEN_DAYS)


def api_token_expires_at(token: APIToken) -> datetime:
    """When the token stops working: PORTAL_API_TOKEN_DAYS after its creation."""
    return token.created + api_token_lifetime()


def api_tokens_of(user: User) -> list[APIToken]:
    """The user's own API tokens that were not revoked (expired ones too, so the account page
    can say why a script stopped working), newest first, each with `expires_at` and
    `expired`."""
    tokens = list(APIToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created"))
    now = timezone.now()
    for token in tokens:
        token.expires_at = api_token_expires_at(token)
        token.expired = token.expires_at <= now
    return tokens


def api_token_own(user: User, token_id: int) -> APIToken | None:
    """The user's own unrevoked API token with this id, or None."""
    return APIToken.objects.filter(user=user, revoked_at__isnull=True, pk=token_id).first()


def api_token_usable(plaintext: str) -> APIToken | None:
    """The unrevoked, unexpired token behind a presented plaintext, with its user, or None.
    (Whether the user may use it is the caller's question: active, MFA.)"""
    return (
        APIToken.objects.select_related("user", "user__organisation__country")
        .filter(
            key_hash__in=APIToken.candidate_key_hashes(plaintext),
            revoked_at__isnull=True,
            created__gt=timezone.now() - api_token_lifetime(),
        )
        .first()
    )


def reference_countries() -> QuerySet[Country]:
    """The network's countries with their SPOC, by name. Reference data: every user may read."""
    return Country.objects.select_related("spoc").order_by("name")
