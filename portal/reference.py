"""Reads on the reference data: countries by code, the Presidency on a date."""

import datetime

from django.utils import timezone

from portal.models import Country, PresidencyTerm

# The EU's own two-letter codes that differ from ISO 3166-1.
EU_CODE_ALIASES = {"EL": "GR"}


def normalise_country_code(code):
    code = (code or "").strip().upper()
    return EU_CODE_ALIASES.get(code, code)


def country_by_code(code):
    """The country for an ISO 3166 code or the EU's code (EL for Greece), or None."""
    return Country.objects.filter(code=normalise_country_code(code)).first()


def presidency_on(day=None):
    """The Presidency term holding office on `day` (default: today), or None outside the rota."""
    if day is None:
        day = timezone.localdate()
    elif isinstance(day, datetime.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return (
        PresidencyTerm.objects.select_related("country")
        .filter(starts_on__lte=day, ends_on__gte=day)
        .first()
    )
