"""Normal forms for matching: channel references, identifiers and names.

- references and document numbers/plates: upper case, letters and digits only
  ("siena 2026/ 00123-a" -> "SIENA202600123A");
- phone numbers: E.164 through `phonenumbers` (Google's libphonenumber), national numbers read
  in the owning country's numbering plan;
- names: Greek and Cyrillic transliterated and diacritics folded by `anyascii`, lower case,
  punctuation dropped, so "Иванов", "Ivanov" and "IVANOV" share one key."""

import re

import phonenumbers
from anyascii import anyascii

_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# anyascii writes Greek "ου" as "oy"; the usual romanisation (ELOT 743) is "ou".
_GREEK_OU = re.compile("ου", re.IGNORECASE)


def reference(value):
    return _NOT_ALNUM.sub("", anyascii(value or "").upper())


def identifier(value):
    return reference(value)


def phone(value, country_code=None):
    """E.164 ("+3225551234"), or the digits as typed when the number cannot be parsed."""
    text = (value or "").strip()
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"\D", "", text)
    return ("+" + digits) if text.startswith("+") else digits


def name(value):
    text = _GREEK_OU.sub(lambda m: "ou" if m.group(0).islower() else "OU", value or "")
    return " ".join(_NOT_WORD.split(anyascii(text).lower())).strip()


def person_key(surname, given_names=""):
    """The folded "surname | given names" key a subject is stored and matched under."""
    return f"{name(surname)}|{name(given_names)}".strip("|") if given_names else name(surname)
