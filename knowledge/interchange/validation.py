"""Validating a file's front matter and body into an `Item` holding its canonical record; every
problem is collected with its line.
"""

import dataclasses
import datetime
import difflib

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_unicode_slug
from django.utils import timezone
from django.utils.text import slugify

from knowledge.interchange.format import (
    CONTACT_KEYS,
    DATE_RE,
    FALSE_WORDS,
    INT_RE,
    KEYS,
    KINDS,
    LANGUAGE_RE,
    LEGAL_BASIS_KEYS,
    RULE_KEYS,
    TRUE_WORDS,
    Problem,
)
from knowledge.interchange.reader import Source
from knowledge.interchange.richtext import html_to_markdown, markdown_to_html
from knowledge.models import (
    BestPracticePage,
    ContactPoint,
    CrossBorderRule,
    ObstaclePage,
)
from knowledge.topics import TOPIC_ACTIONS, TOPIC_SLUGS
from portal.reference import normalise_country_code

# =============================================================================================
# Validating: front matter -> Item with a canonical record
# =============================================================================================


@dataclasses.dataclass
class Item:
    source: Source
    kind: str
    record: dict  # canonical values, as page_record() gives them for a page
    html: dict  # rich text field -> storage HTML
    countries: list  # Country objects (for practices, obstacles, documents)
    country: object = None  # Country (fact sheets)
    reviewed_given: bool = True

    @property
    def key(self):
        """The import key: kind + country + topic for fact sheets (one per country and topic,
        whatever its slug); kind + slug otherwise."""
        if self.kind == "factsheet":
            return ("factsheet", self.record["country"], self.record["topic"])
        return (self.kind, self.record["slug"])

    @property
    def label(self):
        if self.kind == "factsheet":
            return f"factsheet {self.record['country']}/{self.record['topic']}"
        return f"{self.kind} {self.record['slug']}"


def normalise_text(value):
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def sort_tags(names):
    return sorted({name for name in names if name}, key=lambda name: (name.casefold(), name))


class _Checker:
    """Typed reads of one file's front matter; problems are collected, never raised."""

    def __init__(self, source, countries_by_code):
        self.source = source
        self.problems = []
        self.countries_by_code = countries_by_code

    def error(self, keypath, message):
        self.problems.append(Problem(self.source.path, self.source.line(keypath), message))

    def text(self, data, key, keypath, *, required=False, max_length=None, default=""):
        value = data.get(key)
        if value is None:
            if required:
                self.error(keypath[:-1] or keypath, f"missing '{key}'")
            return default
        if not isinstance(value, str):
            self.error(keypath, f"'{key}' must be text, not a list or mapping")
            return default
        value = normalise_text(value)
        if required and not value:
            self.error(keypath, f"'{key}' is empty")
        if max_length and len(value) > max_length:
            self.error(
                keypath, f"'{key}' is too long: {len(value)} characters (at most {max_length})"
            )
        return value

    def choice(self, data, key, keypath, choices, *, required=False, default=""):
        value = self.text(data, key, keypath, required=required, default=default)
        if value and value not in choices:
            self.error(keypath, f"unknown {key} '{value}' (one of: {', '.join(choices)})")
            return default
        return value

    def date(self, data, key, keypath):
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not DATE_RE.match(value.strip()):
            self.error(keypath, f"'{key}' is not a date: {value!r} (write YYYY-MM-DD)")
            return None
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError as exc:
            self.error(keypath, f"'{key}' is not a date: {value!r} ({exc})")
            return None

    def integer(self, data, key, keypath, *, minimum, maximum=None, default=None):
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or not INT_RE.match(value.strip()):
            self.error(keypath, f"'{key}' must be a whole number, not {value!r}")
            return default
        number = int(value)
        if number < minimum or (maximum is not None and number > maximum):
            upper = f" and {maximum}" if maximum is not None else " or more"
            between = f"between {minimum}{upper}" if maximum is not None else f"{minimum}{upper}"
            self.error(keypath, f"'{key}' must be {between}, not {number}")
            return default
        return number

    def boolean(self, data, key, keypath, default=False):
        value = data.get(key)
        if value is None:
            return default
        word = value.strip().lower() if isinstance(value, str) else ""
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.error(keypath, f"'{key}' must be true or false, not {value!r}")
        return default

    def string_list(self, data, key, keypath):
        value = data.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(keypath, f"'{key}' must be a list")
            return []
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error((*keypath, index), f"'{key}' entries must be non-empty text")
                continue
            out.append(item.strip())
        return out

    def mapping_list(self, data, key, keypath, allowed_keys):
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(keypath, f"'{key}' must be a list of entries ('- {allowed_keys[0]}: ...')")
            return []
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.error((*keypath, index), f"each '{key}' entry must be 'key: value' lines")
                continue
            self.unknown_keys(item, (*keypath, index), allowed_keys, f"a '{key}' entry")
            out.append((index, item))
        return out

    def unknown_keys(self, data, keypath, allowed, what):
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.error(
                    (*keypath, key),
                    f"unknown key '{key}' for {what}{hint} (keys: {', '.join(allowed)})",
                )

    def country(self, code, keypath):

        country = self.countries_by_code.get(normalise_country_code(code))
        if country is None:
            self.error(
                keypath,
                f"unknown country '{code}' (use an ISO 3166 code such as BE, or EL for Greece)",
            )
        return country

    def language(self, data, key, keypath):
        value = self.text(data, key, keypath, default="en") or "en"
        value = value.lower()
        if not LANGUAGE_RE.match(value):
            self.error(
                keypath, f"'{key}' must be a two-letter ISO 639-1 code such as en, not {value!r}"
            )
            return "en"
        return value

    def rich_text(self, markdown_text, line):
        """Storage HTML and canonical Markdown of a Markdown text starting at file line
        `line` (for a front-matter value: the key's line, not counted further)."""
        html_text, problems = markdown_to_html(markdown_text)
        for offset, message in problems:
            self.problems.append(Problem(self.source.path, line + offset - 1, message))
        if html_text is None:
            return "", ""
        return html_text, html_to_markdown(html_text)


def _slug(checker, data, title):
    value = data.get("slug")
    if value is not None:
        slug = checker.text(data, "slug", ("slug",), max_length=255)
        try:
            validate_unicode_slug(slug)
        except ValidationError:
            checker.error(
                ("slug",),
                f"'slug' may hold only letters, digits, hyphens and underscores, not {slug!r}",
            )
        return slug
    slug = slugify(title) or slugify(title, allow_unicode=True)
    if title and not slug:
        checker.error(("title",), "no slug can be made from the title; add a 'slug'")
    return slug[:255]


def validate_source(source, countries_by_code):
    """(Item or None, [Problem])."""

    checker = _Checker(source, countries_by_code)
    data = source.data
    kind = data.get("kind")
    if kind is None:
        checker.error((), f"missing 'kind' (one of: {', '.join(KINDS)})")
        return None, checker.problems
    if kind not in KINDS:
        checker.error(("kind",), f"unknown kind {kind!r} (one of: {', '.join(KINDS)})")
        return None, checker.problems
    checker.unknown_keys(data, (), KEYS[kind], f"a {kind}")

    record = {"kind": kind}
    html_fields = {}
    record["title"] = checker.text(data, "title", ("title",), required=True, max_length=255)
    record["slug"] = _slug(checker, data, record["title"])
    item = Item(source=source, kind=kind, record=record, html=html_fields, countries=[])

    # countries
    raw_country = data.get("country")
    if kind == "factsheet":
        if raw_country is None:
            checker.error((), "missing 'country' (a fact sheet belongs to one country)")
        elif not isinstance(raw_country, str):
            checker.error(
                ("country",), "a fact sheet belongs to one country: write e.g. 'country: BE'"
            )
        else:
            item.country = checker.country(raw_country.strip(), ("country",))
        record["country"] = item.country.code if item.country else ""
    else:
        codes = checker.string_list(data, "country", ("country",))
        found = {}
        for index, code in enumerate(codes):
            keypath = ("country", index) if isinstance(raw_country, list) else ("country",)
            country = checker.country(code, keypath)
            if country is not None:
                found[country.code] = country
        item.countries = [found[code] for code in sorted(found)]
        record["country"] = sorted(found)

    # topic
    if kind == "factsheet":
        record["topic"] = checker.choice(data, "topic", ("topic",), TOPIC_SLUGS, required=True)
    elif kind == "document":
        record["topic"] = checker.choice(data, "topic", ("topic",), TOPIC_SLUGS)

    record["language"] = checker.language(data, "language", ("language",))

    if kind in ("factsheet", "practice", "document"):
        record["summary"] = checker.text(data, "summary", ("summary",), max_length=1000)

    if kind == "factsheet":
        record["reviewed"] = checker.date(data, "reviewed", ("reviewed",))
        if record["reviewed"] is not None and record["reviewed"] > timezone.localdate():
            checker.error(("reviewed",), "'reviewed' is in the future")
        item.reviewed_given = record["reviewed"] is not None
        record["review_interval_months"] = checker.integer(
            data,
            "review_interval_months",
            ("review_interval_months",),
            minimum=1,
            maximum=60,
            default=12,
        )
        default_action = TOPIC_ACTIONS.get(record["topic"], "")
        record["rules"] = _rules(checker, data, item.country, default_action, CrossBorderRule)
        record["contacts"] = _contacts(checker, data, ContactPoint)
        record["legal_basis"] = _legal_bases(checker, data)

    if kind == "practice":
        record["category"] = checker.choice(
            data, "category", ("category",), BestPracticePage.Category.values, required=True
        )
    if kind == "obstacle":
        record["obstacle_kind"] = checker.choice(
            data, "obstacle_kind", ("obstacle_kind",), ObstaclePage.Kind.values, required=True
        )
        record["status"] = (
            checker.choice(data, "status", ("status",), ObstaclePage.Status.values, default="open")
            or "open"
        )
    if kind in ("practice", "obstacle"):
        tags = checker.string_list(data, "tags", ("tags",))
        for index, tag in enumerate(tags):
            if len(tag) > 100:
                checker.error(("tags", index), f"tag too long: {len(tag)} characters (at most 100)")
        record["tags"] = sort_tags(tag for tag in tags if len(tag) <= 100)

    if kind == "obstacle":
        solutions = checker.text(data, "proposed_solutions", ("proposed_solutions",))
        html_fields["proposed_solutions"], record["proposed_solutions"] = checker.rich_text(
            solutions, source.line(("proposed_solutions",))
        )

    body_html, record["body"] = checker.rich_text(source.body, source.body_line)
    html_fields["body"] = body_html
    if (
        kind == "obstacle"
        and not record["body"]
        and not any(problem.line >= source.body_line for problem in checker.problems)
    ):
        checker.error((), "an obstacle needs a body: the description of the obstacle")

    if checker.problems:
        return None, checker.problems
    return item, []


def _rules(checker, data, sheet_country, default_action, model):
    rules = []
    seen = {}
    actions = model.Action.values
    for index, entry in checker.mapping_list(data, "rules", ("rules",), RULE_KEYS):
        keypath = ("rules", index)

        def at(key, keypath=keypath):
            return (*keypath, key)

        action = checker.choice(entry, "action", at("action"), actions, default=default_action)
        if not action:
            checker.error(keypath, f"missing 'action' (one of: {', '.join(actions)})")
        neighbour_code = checker.text(entry, "neighbour", at("neighbour"), required=True)
        neighbour = checker.country(neighbour_code, at("neighbour")) if neighbour_code else None
        if neighbour is not None and sheet_country is not None and neighbour == sheet_country:
            checker.error(at("neighbour"), "the neighbour must be another country than the sheet's")
        apprehension = checker.choice(
            entry, "apprehension", at("apprehension"), model.Apprehension.values
        )
        offences = checker.choice(entry, "offences", at("offences"), model.Offences.values)
        if action and action != "hot_pursuit":
            for key, value in (("apprehension", apprehension), ("offences", offences)):
                if value:
                    checker.error(at(key), f"'{key}' applies to hot pursuit only")
        transport_choices = [key for key, _label in model.TRANSPORT_CHOICES]
        transport = []
        raw_transport = entry.get("transport")
        if isinstance(raw_transport, str):
            raw_transport = [part for part in raw_transport.split(",") if part.strip()]
            entry = {**entry, "transport": raw_transport}
        for position, means in enumerate(checker.string_list(entry, "transport", at("transport"))):
            if means not in transport_choices:
                checker.error(
                    (*at("transport"), position),
                    f"unknown transport '{means}' (one of: {', '.join(transport_choices)})",
                )
            else:
                transport.append(means)
        rule = {
            "action": action,
            "neighbour": neighbour.code if neighbour else "",
            "apprehension": apprehension,
            "limit_km": checker.integer(entry, "limit_km", at("limit_km"), minimum=1),
            "limit_hours": checker.integer(entry, "limit_hours", at("limit_hours"), minimum=1),
            "offences": offences,
            "transport": [means for means in transport_choices if means in transport],
            "notify": checker.text(entry, "notify", at("notify"), max_length=255),
            "conditions": checker.text(entry, "conditions", at("conditions")),
        }
        pair = (action, rule["neighbour"])
        if action and neighbour and pair in seen:
            checker.error(
                keypath,
                f"a second {action} rule for {rule['neighbour']} (the first is on line "
                f"{seen[pair]})",
            )
        seen[pair] = checker.source.line(keypath)
        rules.append(rule)
    return rules


def _contacts(checker, data, model):
    contacts = []
    for index, entry in checker.mapping_list(data, "contacts", ("contacts",), CONTACT_KEYS):
        keypath = ("contacts", index)

        def at(key, keypath=keypath):
            return (*keypath, key)

        email = checker.text(entry, "email", at("email"), max_length=254)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                checker.error(at("email"), f"not an email address: {email!r}")
        languages = []
        raw_languages = entry.get("languages")
        if isinstance(raw_languages, str):
            entry = {
                **entry,
                "languages": [part for part in raw_languages.split(",") if part.strip()],
            }
        for position, code in enumerate(checker.string_list(entry, "languages", at("languages"))):
            code = code.lower()
            if not LANGUAGE_RE.match(code):
                checker.error(
                    (*at("languages"), position),
                    f"not a two-letter ISO 639-1 language code: {code!r}",
                )
            elif code not in languages:
                languages.append(code)
        contacts.append(
            {
                "service": checker.choice(
                    entry, "service", at("service"), model.Service.values, required=True
                ),
                "name": checker.text(entry, "name", at("name"), required=True, max_length=200),
                "available_24_7": checker.boolean(entry, "available_24_7", at("available_24_7")),
                "phone": checker.text(entry, "phone", at("phone"), max_length=50),
                "email": email,
                "languages": languages,
            }
        )
    return contacts


def _legal_bases(checker, data):
    bases = []
    for index, entry in checker.mapping_list(
        data, "legal_basis", ("legal_basis",), LEGAL_BASIS_KEYS
    ):
        keypath = ("legal_basis", index)

        def at(key, keypath=keypath):
            return (*keypath, key)

        bases.append(
            {
                "title": checker.text(entry, "title", at("title"), required=True, max_length=255),
                "reference": checker.text(entry, "reference", at("reference"), max_length=120),
                "source": checker.text(entry, "source", at("source"), max_length=500),
                "as_of": checker.date(entry, "as_of", at("as_of")),
            }
        )
    return bases
