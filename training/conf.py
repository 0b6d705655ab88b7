"""The training module's settings (portal/settings/base.py, DJANGO_-prefixed environment
variables), read at call time so tests can override them."""

import re

from django.conf import settings
from django.core.checks import Error, register

DEFAULT_CEPOL_CODE_PATTERN = r"^\d{1,3}/\d{4}$"


def cepol_code_pattern():
    return getattr(settings, "TRAINING_CEPOL_CODE_PATTERN", DEFAULT_CEPOL_CODE_PATTERN)


def cepol_code_matches(code):
    return re.search(cepol_code_pattern(), code) is not None


def quota_release_days():
    return int(getattr(settings, "TRAINING_QUOTA_RELEASE_DAYS", 21))


def certificate_verify_rate():
    """How many certificate codes one member may check (django-ratelimit's "count/period")."""
    return getattr(settings, "TRAINING_CERTIFICATE_VERIFY_RATE", "30/m")


@register()
def check_cepol_code_pattern(app_configs, **kwargs):
    try:
        re.compile(cepol_code_pattern())
    except (re.error, TypeError) as error:
        return [
            Error(
                f"TRAINING_CEPOL_CODE_PATTERN is not a valid regular expression: {error}",
                id="training.E001",
            )
        ]
    return []
