"""Registration numbers: `<CC>-<YYYY>-<NNNNNN>-<D>`, e.g. `BE-2026-000042-7`.

CC is the owning country's ISO code, YYYY the year of registration, NNNNNN the country's
counter for that year (council doc. 9410/17: one number per case, whatever the channel), and
D a check digit: the Damm algorithm (python-stdnum's `stdnum.damm`) over the digits of the
number with the letters of the country written as two digits each (A=10 ... Z=35, as in
ISO 7064). Damm catches every single-digit error and every swap of two neighbouring digits,
so a mistyped number is rejected instead of opening another case."""

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from stdnum import damm

from cases.models import CaseCounter

NUMBER_RE = re.compile(r"^([A-Z]{2})-(\d{4})-(\d{6})-(\d)$")
# Accepts what people type: any case, spaces or other dashes, missing separators.
LOOSE_RE = re.compile(r"^\s*([A-Za-z]{2})[\s\-_/.]*(\d{4})[\s\-_/.]*(\d{6})[\s\-_/.]*(\d)\s*$")
MAX_SEQUENCE = 999_999


def _digits(country_code, year, sequence):
    letters = "".join(str(ord(letter) - ord("A") + 10) for letter in country_code.upper())
    return f"{letters}{year:04d}{sequence:06d}"


def check_digit(country_code, year, sequence):
    return damm.calc_check_digit(_digits(country_code, year, sequence))


def format_number(country_code, year, sequence):
    return f"{country_code.upper()}-{year:04d}-{sequence:06d}-" + check_digit(
        country_code, year, sequence
    )


def parse(text):
    """(country code, year, sequence, check digit) from a number as typed, or None when it
    does not have the shape of a registration number. The check digit is not verified."""
    match = LOOSE_RE.match(text or "")
    if not match:
        return None
    code, year, sequence, digit = match.groups()
    return code.upper(), int(year), int(sequence), digit


def canonical(text):
    """The number in its canonical form when it is well formed and its check digit matches,
    else None."""
    parts = parse(text)
    if parts is None:
        return None
    code, year, sequence, digit = parts
    if check_digit(code, year, sequence) != digit:
        return None
    return format_number(code, year, sequence)


def typo_candidates(text):
    """Numbers one typing slip away from `text` (one character changed, or two neighbouring
    digits swapped) that have a valid check digit: what the person probably meant. Only the
    counter part and the check digit are varied (the country and year are read as typed)."""
    parts = parse(text)
    if parts is None:
        return []
    code, year, sequence, digit = parts
    typed = f"{sequence:06d}{digit}"
    seen = set()
    for index in range(len(typed)):
        for replacement in "0123456789":
            seen.add(typed[:index] + replacement + typed[index + 1 :])
        if index + 1 < len(typed):
            seen.add(typed[:index] + typed[index + 1] + typed[index] + typed[index + 2 :])
    seen.discard(typed)
    result = []
    for variant in sorted(seen):
        seq, dig = int(variant[:6]), variant[6]
        if seq and check_digit(code, year, seq) == dig:
            result.append(format_number(code, year, seq))
    return result


def next_sequence(country, year):
    """The next counter value for the country and year. Must run inside the registering
    transaction: the counter row is locked (select_for_update) and incremented in the
    database (F()), so concurrent registrations never get the same value, and a rolled-back
    registration gives its value back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_sequence() must run inside a transaction")
    counter = CaseCounter.objects.select_for_update().filter(country=country, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():  # a savepoint: a concurrent creator may win the race
                CaseCounter.objects.create(country=country, year=year, last_value=0)
        except IntegrityError:
            pass
        counter = CaseCounter.objects.select_for_update().get(country=country, year=year)
    CaseCounter.objects.filter(pk=counter.pk).update(last_value=F("last_value") + 1)
    value = CaseCounter.objects.values_list("last_value", flat=True).get(pk=counter.pk)
    if value > MAX_SEQUENCE:
        raise OverflowError("The six-digit counter is exhausted for this year.")
    return value
