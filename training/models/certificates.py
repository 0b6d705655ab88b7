"""Certificates of attendance. A confirmed participant marked attended or partly on at least
one day of the session is an attendee and gets a certificate once the session is over. Each
carries a random verification code (12 characters of an alphabet without look-alikes, shown
as XXXX-XXXX-XXXX) that any member can check on the portal."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def new_certificate_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text):
    """What a person typed, as stored: upper case, without spaces or hyphens."""
    return "".join(ch for ch in str(text or "").upper() if ch.isalnum())[:40]


class Certificate(models.Model):
    nomination = models.OneToOneField(
        "training.Nomination", on_delete=models.PROTECT, related_name="certificate"
    )
    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_certificate_code)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "pk"]

    def __str__(self):
        return f"Certificate {self.display_code} ({self.nomination})"

    @property
    def display_code(self):
        return "-".join(self.code[i : i + 4] for i in range(0, len(self.code), 4))
