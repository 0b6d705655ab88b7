"""Side-by-side comparison of fact sheets: one topic, two to six countries.

One building function, `comparison()`, feeds the page (/knowledge/compare/), its PDF export and
the JSON API (/api/v1/compare), so the three always show the same rows.

The table has one column per country and rows aligned by field, in groups:

- "Fact sheet": summary, language, the full text.
- For the topics that carry cross-border rules (hot pursuit, surveillance, joint operations:
  `knowledge.topics.TOPIC_ACTIONS`), one group per neighbouring country ("Officers from
  Germany"), each with the rule's fields: right to apprehend and offences (hot pursuit only),
  limit in space, limit in time, means of transport, whom to notify, other conditions. A
  column's cell is the rule of *that* country's sheet for officers of the neighbour, i.e. what
  officers from the neighbour may do on the column country's territory.
- "Contact points": one row per service (SPOC, Europol national unit, SIRENE, ...).
- "Legal basis": the references with their source and "as of" date.
- "Review": last reviewed, next review due, overdue or not.

Cell statuses: `value` (a value, maybe empty: "Not stated"), `no_rule` (the sheet records no
rule for that neighbour), `own_country` (the neighbour is the column's own country), `no_sheet`
(the country has no live sheet on the topic).

Differences: a row is marked `differs` when it is `compared` (the structured rule fields and
the contact points' 24/7 availability; not free text, dates or names) and at least two of its
`value`/`no_rule` cells disagree. Columns without a sheet, and a country's own column in a
neighbour group, take no part.

Queries: a fixed number whatever the number of countries (the countries, the sheets, and one
prefetch per kind of child row).
"""

import dataclasses
import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from wagtail.rich_text import expand_db_html

from knowledge import selectors
from knowledge.models import ContactPoint, plain_text
from knowledge.topics import TOPIC_ACTIONS, Topic, topic_by_slug
from portal.models import Country
from portal.reference import normalise_country_code

MIN_COUNTRIES = 2
MAX_COUNTRIES = 6


class ParamError(ValueError):
    """A bad request parameter; `param` names it (for forms and JSON errors)."""

    def __init__(self, param, message):
        super().__init__(message)
        self.param = param
        self.message = message

    def __str__(self):
        return self.message


# --- Parameters -------------------------------------------------------------------------------


def countries_by_code():
    """Every country of the network by ISO code (one query; also the form's choices)."""
    return {country.code: country for country in Country.objects.order_by("name")}


def parse_topic(value):
    slug = (value or "").strip()
    if not slug:
        raise ParamError("topic", "Choose a topic.")
    topic = topic_by_slug(slug)
    if topic is None:
        raise ParamError("topic", f"Unknown topic “{slug[:40]}”. Choose one from the list.")
    return topic


def split_codes(values):
    """ISO codes from query values: repeated parameters and/or comma lists ("BE,DE"),
    upper-cased, EL read as GR, duplicates dropped, order kept."""
    if isinstance(values, str):
        values = [values]
    codes = {}  # insertion-ordered set: linear whatever the input's size
    for value in values or []:
        for item in str(value).split(","):
            code = normalise_country_code(item)
            if code:
                codes[code] = None
    return list(codes)


def parse_countries(values, *, known=None, minimum=MIN_COUNTRIES, maximum=MAX_COUNTRIES):
    """The Country objects for `values` (see split_codes), in the order given."""
    known = countries_by_code() if known is None else known
    codes = split_codes(values)
    count_error = ParamError(
        "countries",
        f"Choose between {minimum} and {maximum} different countries (you chose {len(codes)}).",
    )
    if len(codes) > maximum:
        raise count_error  # before looking at each code: the list may be huge
    unknown = [code for code in codes if code not in known]
    if unknown:
        shown = ", ".join(code[:10] for code in unknown[:5])
        raise ParamError(
            "countries",
            f"Unknown country code{'s' if len(unknown) > 1 else ''}: {shown}. "
            "Use two-letter ISO codes of network countries, e.g. BE, DE, FR.",
        )
    if len(codes) < minimum:
        raise count_error
    return [known[code] for code in codes]


# --- The comparison ---------------------------------------------------------------------------


@dataclasses.dataclass
class Cell:
    country: Country
    status: str  # value | no_rule | own_country | no_sheet
    text: str = ""  # plain text: what the API returns and what differences compare
    items: list = dataclasses.field(default_factory=list)  # contacts / legal bases (dicts)
    html: str = ""  # rich text from the database (the sheet's body), rendered with |richtext
    key: object = None  # what differences compare (defaults to the text)

    @property
    def compared(self):
        return self.status in ("value", "no_rule")

    @property
    def display(self):
        if self.status == "no_sheet":
            return "No fact sheet"
        if self.status == "no_rule":
            return "No rule recorded"
        if self.status == "own_country":
            return "Own country"
        return self.text or "Not stated"


@dataclasses.dataclass
class Row:
    key: str
    label: str
    cells: list
    compared: bool = False

    @property
    def differs(self):
        if not self.compared:
            return False
        keys = [_difference_key(cell) for cell in self.cells if cell.compared]
        return len(keys) >= 2 and len(set(keys)) > 1


def _difference_key(cell):
    if cell.status == "no_rule":
        return ("no_rule",)
    return cell.key if cell.key is not None else cell.text


@dataclasses.dataclass
class Group:
    key: str
    title: str
    rows: list

    @property
    def difference_count(self):
        return sum(row.differs for row in self.rows)


@dataclasses.dataclass
class Column:
    country: Country
    sheet: object  # FactSheetPage | None
    url: str = ""
    overdue: bool = False

    @property
    def review_due(self):
        return self.sheet.review_due if self.sheet is not None else None


@dataclasses.dataclass
class Comparison:
    topic: Topic
    countries: list
    columns: list
    groups: list
    generated_at: datetime.datetime

    @property
    def codes(self):
        return [country.code for country in self.countries]

    @property
    def query_string(self):
        return compare_query(self.topic.slug, self.codes)

    @property
    def difference_count(self):
        return sum(group.difference_count for group in self.groups)

    @property
    def sheet_count(self):
        return sum(column.sheet is not None for column in self.columns)


def compare_query(topic_slug, codes):
    """The shareable query string: ?topic=hot-pursuit&countries=BE,DE,FR."""
    return "?" + urlencode({"topic": topic_slug, "countries": ",".join(codes)})


def compare_url(topic_slug, codes):
    return reverse("knowledge_tools:compare") + compare_query(topic_slug, codes)


# Rule fields shown per neighbour: (attribute of CrossBorderRule, label, actions it applies to).
RULE_FIELDS = [
    ("apprehension", "Right to apprehend", {"hot_pursuit"}),
    ("limit_km", "Limit in space", None),
    ("limit_hours", "Limit in time", None),
    ("offences", "Offences", {"hot_pursuit"}),
    ("transport", "Means of transport", None),
    ("notify", "Whom to notify", None),
    ("conditions", "Other conditions", None),
]


def rule_value(rule, field):
    """The plain-text value of one field of a rule, as readers see it."""
    if field == "apprehension":
        return _capitalise(rule.apprehension_text)
    if field == "limit_km":
        return "No limit" if rule.limit_km is None else f"{rule.limit_km} km"
    if field == "limit_hours":
        if rule.limit_hours is None:
            return "No limit"
        return f"{rule.limit_hours} hour" + ("" if rule.limit_hours == 1 else "s")
    if field == "offences":
        return _capitalise(rule.offences_text)
    if field == "transport":
        return _capitalise(rule.transport_text)
    if field == "notify":
        return rule.notify.strip()
    if field == "conditions":
        return " ".join(rule.conditions.split())
    raise ValueError(field)


def _capitalise(text):
    return text[:1].upper() + text[1:] if text else ""


def contact_item(contact):
    return {
        "service": contact.service,
        "service_label": contact.get_service_display(),
        "name": contact.name,
        "available_24_7": contact.available_24_7,
        "phone": contact.phone,
        "email": contact.email,
        "languages": contact.language_list,
    }


def contact_text(contact):
    parts = [contact.name, "available 24/7" if contact.available_24_7 else "not 24/7"]
    if contact.phone:
        parts.append(f"phone {contact.phone}")
    if contact.email:
        parts.append(f"email {contact.email}")
    if contact.languages:
        parts.append(f"languages {', '.join(contact.language_list)}")
    return ", ".join(parts)


def legal_basis_item(basis, *, absolute_url=None):
    url = ""
    if basis.document_id and basis.document is not None:
        url = basis.document.url
        if absolute_url is not None:
            url = absolute_url(url)
    return {
        "title": basis.title,
        "reference": basis.reference,
        "source": basis.source,
        "as_of": basis.as_of,
        "document_url": url,
    }


def legal_basis_text(basis):
    parts = [basis.title]
    if basis.reference:
        parts.append(basis.reference)
    if basis.source:
        parts.append(f"source: {basis.source}")
    if basis.as_of:
        parts.append(f"as of {basis.as_of.isoformat()}")
    return ", ".join(parts)


def comparison(*, topic, countries, user, request=None, today=None):
    """Build the comparison of `topic` (a Topic or slug) for `countries` (Country objects, in
    column order). `request` makes the sheet and document URLs absolute (print, PDF, API)."""
    if not isinstance(topic, Topic):
        topic = parse_topic(topic)
    today = today or timezone.localdate()
    absolute_url = request.build_absolute_uri if request is not None else None
    sheets = {
        sheet.country_id: sheet
        for sheet in selectors.fact_sheets_with_structure(
            selectors.fact_sheets_for(user).filter(topic=topic.slug, country__in=countries)
        )
    }
    columns = []
    for country in countries:
        sheet = sheets.get(country.pk)
        url = ""
        if sheet is not None:
            url = sheet.get_url(request) or ""
            if absolute_url is not None and url:
                url = absolute_url(url)
        columns.append(
            Column(
                country=country,
                sheet=sheet,
                url=url,
                overdue=bool(sheet and sheet.is_overdue_on(today)),
            )
        )

    groups = [_sheet_group(columns)]
    action = TOPIC_ACTIONS.get(topic.slug)
    if action:
        groups += _rule_groups(columns, action)
    groups += [
        _contact_group(columns),
        _legal_basis_group(columns, absolute_url),
        _review_group(columns, today),
    ]
    groups = [group for group in groups if group.rows]
    return Comparison(
        topic=topic,
        countries=list(countries),
        columns=columns,
        groups=groups,
        generated_at=timezone.now(),
    )


def _cell(column, text="", **kwargs):
    if column.sheet is None:
        return Cell(column.country, "no_sheet")
    return Cell(column.country, "value", text, **kwargs)


def _sheet_group(columns):
    rows = [
        Row(
            "summary",
            "Summary",
            [_cell(c, c.sheet.summary.strip() if c.sheet else "") for c in columns],
        ),
        Row(
            "language",
            "Language",
            [_cell(c, c.sheet.language if c.sheet else "") for c in columns],
        ),
        Row(
            "body",
            "Details",
            [
                _cell(
                    c,
                    plain_text(c.sheet.body) if c.sheet else "",
                    html=c.sheet.body if c.sheet else "",
                )
                for c in columns
            ],
        ),
    ]
    # The full text only when some sheet has one.
    rows = [row for row in rows if row.key != "body" or any(c.html for c in row.cells)]
    return Group("sheet", "Fact sheet", rows)


def _rules_of(sheet, action):
    if sheet is None:
        return {}
    return {
        rule.neighbour_id: rule for rule in sheet.cross_border_rules.all() if rule.action == action
    }


def _rule_groups(columns, action):
    rules = {column.country.pk: _rules_of(column.sheet, action) for column in columns}
    neighbours = {}
    for by_neighbour in rules.values():
        for rule in by_neighbour.values():
            neighbours[rule.neighbour_id] = rule.neighbour
    groups = []
    for neighbour in sorted(neighbours.values(), key=lambda country: country.name):
        present = [
            rules[column.country.pk][neighbour.pk]
            for column in columns
            if neighbour.pk in rules[column.country.pk]
        ]
        rows = []
        for field, label, actions in RULE_FIELDS:
            if actions is not None and action not in actions:
                continue
            if not any(rule_value(rule, field) for rule in present):
                continue  # a field no compared country fills in (e.g. no conditions anywhere)
            cells = []
            for column in columns:
                rule = rules[column.country.pk].get(neighbour.pk)
                if column.sheet is None:
                    cells.append(Cell(column.country, "no_sheet"))
                elif column.country.pk == neighbour.pk:
                    cells.append(Cell(column.country, "own_country"))
                elif rule is None:
                    cells.append(Cell(column.country, "no_rule"))
                else:
                    cells.append(Cell(column.country, "value", rule_value(rule, field)))
            rows.append(Row(f"rule:{neighbour.code}:{field}", label, cells, compared=True))
        groups.append(
            Group(
                f"rule:{neighbour.code}",
                f"Officers from {neighbour.name} ({neighbour.code})",
                rows,
            )
        )
    return groups


def _contact_group(columns):
    by_column = {}
    services = set()
    for column in columns:
        contacts = list(column.sheet.contact_points.all()) if column.sheet else []
        by_column[column.country.pk] = contacts
        services.update(contact.service for contact in contacts)
    rows = []
    for service, label in ContactPoint.Service.choices:
        if service not in services:
            continue
        cells = []
        for column in columns:
            if column.sheet is None:
                cells.append(Cell(column.country, "no_sheet"))
                continue
            contacts = [c for c in by_column[column.country.pk] if c.service == service]
            if not contacts:
                key = "none"
            elif any(c.available_24_7 for c in contacts):
                key = "24/7"
            else:
                key = "not 24/7"
            cells.append(
                Cell(
                    column.country,
                    "value",
                    "; ".join(contact_text(c) for c in contacts),
                    items=[contact_item(c) for c in contacts],
                    key=key,
                )
            )
        rows.append(Row(f"contact:{service}", label, cells, compared=True))
    return Group("contacts", "Contact points", rows)


def _legal_basis_group(columns, absolute_url):
    if not any(column.sheet and column.sheet.legal_bases.all() for column in columns):
        return Group("legal_basis", "Legal basis", [])
    cells = []
    for column in columns:
        bases = list(column.sheet.legal_bases.all()) if column.sheet else []
        cells.append(
            _cell(
                column,
                "; ".join(legal_basis_text(b) for b in bases),
                items=[legal_basis_item(b, absolute_url=absolute_url) for b in bases],
            )
        )
    return Group("legal_basis", "Legal basis", [Row("legal_basis", "Legal basis", cells)])


def _review_group(columns, today):
    def date_text(day):
        return day.isoformat() if day else ""

    rows = [
        Row(
            "last_reviewed",
            "Last reviewed",
            [_cell(c, date_text(c.sheet.last_reviewed) if c.sheet else "") for c in columns],
        ),
        Row(
            "review_due",
            "Next review due",
            [_cell(c, date_text(c.review_due)) for c in columns],
        ),
        Row(
            "overdue",
            "Review status",
            [
                _cell(c, "Review overdue" if c.overdue else "Up to date", key=c.overdue)
                for c in columns
            ],
        ),
    ]
    return Group("review", "Review", rows)


# --- Serialisation (JSON API) -----------------------------------------------------------------


def comparison_as_dict(result):
    """The comparison as plain data: what /api/v1/compare returns."""
    return {
        "topic": {
            "slug": result.topic.slug,
            "title": result.topic.title,
            "reference": result.topic.reference,
        },
        "countries": [
            {
                "code": column.country.code,
                "name": column.country.name,
                "factsheet": None
                if column.sheet is None
                else {
                    "id": column.sheet.pk,
                    "title": column.sheet.title,
                    "url": column.url,
                    "language": column.sheet.language,
                    "last_reviewed": column.sheet.last_reviewed,
                    "review_due": column.review_due,
                    "overdue": column.overdue,
                },
            }
            for column in result.columns
        ],
        "difference_count": result.difference_count,
        "groups": [
            {
                "key": group.key,
                "title": group.title,
                "rows": [
                    {
                        "key": row.key,
                        "label": row.label,
                        "compared": row.compared,
                        "differs": row.differs,
                        "cells": [
                            {
                                "country": cell.country.code,
                                "status": cell.status,
                                "text": cell.display,
                                "items": cell.items,
                                "html": expand_db_html(cell.html) if cell.html else "",
                            }
                            for cell in row.cells
                        ],
                    }
                    for row in group.rows
                ],
            }
            for group in result.groups
        ],
    }
