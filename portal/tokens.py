"""Per-user secret tokens for access without a session (Atom and calendar feeds, the API).

A token is `<user id>.<nonce>` signed with SECRET_KEY: forged tokens fail before any database
read, a leaked database alone yields no token, and resetting replaces the nonce."""

import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.models import AccessToken

MAX_TOKEN_LENGTH = 200


def _signer(purpose):
    return signing.Signer(salt=f"portal.access-token.{purpose}")


def _record(user, purpose):
    """The user's token record for `purpose`, created on first use. Two first requests at
    once (two tabs) both end up with the one row the unique constraint allows."""
    defaults = {"nonce": secrets.token_urlsafe(24), "created_at": timezone.now()}
    try:
        with transaction.atomic():
            return AccessToken.objects.get_or_create(user=user, purpose=purpose, defaults=defaults)
    except IntegrityError:
        return AccessToken.objects.get(user=user, purpose=purpose), False


def access_token_for(*, user, purpose):
    """The user's current token for `purpose`, creating it on first use."""
    record, _ = _record(user, purpose)
    return _signer(purpose).sign(f"{user.pk}.{record.nonce}")


@transaction.atomic
def access_token_reset(*, user, purpose):
    """Invalidate the user's token for `purpose` and return the new one."""
    record, created = _record(user, purpose)
    if not created:
        record.nonce = secrets.token_urlsafe(24)
        record.created_at = timezone.now()
        record.last_used_at = None
        record.save(update_fields=["nonce", "created_at", "last_used_at"])
    return _signer(purpose).sign(f"{user.pk}.{record.nonce}")


def user_for_access_token(token, *, purpose):
    """The active user whose token this is, or None for anything forged, reset or malformed."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        value = _signer(purpose).unsign(token)
        user_id, nonce = value.split(".", 1)
        user_id = int(user_id)
    except (signing.BadSignature, ValueError):
        return None
    record = (
        AccessToken.objects.select_related("user", "user__organisation__country")
        .filter(user_id=user_id, purpose=purpose, nonce=nonce, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    # Touch at most once a minute: feed readers poll often.
    if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
