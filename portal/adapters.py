import base64
import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.shortcuts import render

from portal import selectors, services

# The session holds the hash of the invitation link's secret, never the secret itself.
INVITATION_SESSION_KEY = "portal_invitation_hash"


def invitation_in_session(request):
    if request is None:
        return None
    return selectors.invitation_open_by_hash(request.session.get(INVITATION_SESSION_KEY))


class PortalAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: signing up is possible only while holding a valid invitation."""

    def is_open_for_signup(self, request):
        return invitation_in_session(request) is not None

    def clean_email(self, email):
        email = super().clean_email(email)
        invitation = invitation_in_session(self.request)
        if invitation and email.lower() != invitation.email.lower():
            raise ValidationError("Sign up with the address the invitation was sent to.")
        return email

    def set_password(self, user, password):
        """Every password change, first password and reset goes through here: tokens made
        under the old password stop working with it."""
        with transaction.atomic():
            super().set_password(user, password)
            services.user_tokens_revoke(user=user)

    def save_user(self, request, user, form, commit=True):
        invitation = invitation_in_session(request)
        try:
            if invitation is None:
                raise ValidationError("This invitation has already been used or has expired.")
            with transaction.atomic():
                user = super().save_user(request, user, form, commit=True)
                services.invitation_accept(invitation=invitation, user=user)
        except ValidationError:
            # The link stopped working between opening the form and submitting it (used in
            # another browser, expired, withdrawn): nothing is saved, the person is told why.
            token_hash = request.session.pop(INVITATION_SESSION_KEY, None)
            raise ImmediateHttpResponse(_invitation_gone(request, token_hash)) from None
        request.session.pop(INVITATION_SESSION_KEY, None)
        return user


def _invitation_gone(request, token_hash):
    invitation = selectors.invitation_by_hash(token_hash)
    state = selectors.invitation_state(invitation) if invitation else "unknown"
    return render(request, "portal/invitation_invalid.html", {"state": state}, status=410)


def _fernet():
    key = settings.PORTAL_MFA_ENCRYPTION_KEY
    if key:
        try:
            return Fernet(key.encode() if isinstance(key, str) else key)
        except ValueError as exc:
            raise ImproperlyConfigured(
                "DJANGO_MFA_ENCRYPTION_KEY must be a Fernet key (32 url-safe base64 bytes)."
            ) from exc
    digest = hashlib.sha256(b"portal.mfa-secrets:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


class PortalMFAAdapter(DefaultMFAAdapter):
    """Stores TOTP secrets and recovery-code seeds encrypted (allauth keeps them in clear)."""

    prefix = "fernet:"

    def encrypt(self, text):
        return self.prefix + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text):
        if not encrypted_text.startswith(self.prefix):
            raise ValueError("MFA secret is not encrypted")
        try:
            return _fernet().decrypt(encrypted_text[len(self.prefix) :].encode()).decode()
        except InvalidToken as exc:
            raise ValueError("MFA secret cannot be decrypted with the configured key") from exc
