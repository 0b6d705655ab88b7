"""Canonical records: a knowledge page as a record (for the export and for "has anything
changed?"), and a record as file text and path.
"""

import yaml

from knowledge.interchange.format import (
    ALWAYS_WRITTEN,
    CONTACT_KEYS,
    KEYS,
    KIND_FOLDERS,
    LEGAL_BASIS_KEYS,
    RULE_ALWAYS_WRITTEN,
    RULE_KEYS,
)
from knowledge.interchange.richtext import html_to_markdown
from knowledge.interchange.validation import normalise_text, sort_tags
from knowledge.models import (
    BestPracticePage,
    FactSheetPage,
    KnowledgeDocumentPage,
    ObstaclePage,
)

# =============================================================================================
# Pages -> canonical records (for the export and for "has anything changed?")
# =============================================================================================


def _codes(countries):
    return sorted(country.code for country in countries)


def page_record(page):
    """The canonical record of a knowledge page's current (live) content."""

    if isinstance(page, FactSheetPage):
        return {
            "kind": "factsheet",
            "title": normalise_text(page.title),
            "slug": page.slug,
            "country": page.country.code,
            "topic": page.topic,
            "language": page.language,
            "summary": normalise_text(page.summary),
            "reviewed": page.last_reviewed,
            "review_interval_months": page.review_interval_months,
            "rules": [
                {
                    "action": rule.action,
                    "neighbour": rule.neighbour.code,
                    "apprehension": rule.apprehension,
                    "limit_km": rule.limit_km,
                    "limit_hours": rule.limit_hours,
                    "offences": rule.offences,
                    "transport": [means for means in rule.transport.split(",") if means],
                    "notify": normalise_text(rule.notify),
                    "conditions": normalise_text(rule.conditions),
                }
                for rule in page.cross_border_rules.all()
            ],
            "contacts": [
                {
                    "service": contact.service,
                    "name": normalise_text(contact.name),
                    "available_24_7": contact.available_24_7,
                    "phone": normalise_text(contact.phone),
                    "email": normalise_text(contact.email),
                    "languages": [code for code in contact.languages.split(",") if code],
                }
                for contact in page.contact_points.all()
            ],
            "legal_basis": [
                {
                    "title": normalise_text(basis.title),
                    "reference": normalise_text(basis.reference),
                    "source": normalise_text(basis.source),
                    "as_of": basis.as_of,
                }
                for basis in page.legal_bases.all()
            ],
            "body": html_to_markdown(page.body),
        }
    if isinstance(page, BestPracticePage):
        return {
            "kind": "practice",
            "title": normalise_text(page.title),
            "slug": page.slug,
            "country": _codes(page.countries.all()),
            "category": page.category,
            "tags": sort_tags(tag.name for tag in page.tags.all()),
            "language": page.language,
            "summary": normalise_text(page.summary),
            "body": html_to_markdown(page.body),
        }
    if isinstance(page, ObstaclePage):
        return {
            "kind": "obstacle",
            "title": normalise_text(page.title),
            "slug": page.slug,
            "country": _codes(page.countries.all()),
            "obstacle_kind": page.kind,
            "status": page.status,
            "tags": sort_tags(tag.name for tag in page.tags.all()),
            "language": page.language,
            "proposed_solutions": html_to_markdown(page.proposed_solutions),
            "body": html_to_markdown(page.description),
        }
    if isinstance(page, KnowledgeDocumentPage):
        return {
            "kind": "document",
            "title": normalise_text(page.title),
            "slug": page.slug,
            "country": _codes(page.countries.all()),
            "topic": page.topic,
            "language": page.language,
            "summary": normalise_text(page.summary),
            "body": html_to_markdown(page.body),
        }
    raise TypeError(f"not a knowledge page: {page!r}")


# =============================================================================================
# Records -> file text
# =============================================================================================


class _Dumper(yaml.SafeDumper):
    pass


def _represent_str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_list(dumper, value):
    # short lists of words (countries, tags, means of transport, languages) on one line
    flow = bool(value) and all(isinstance(item, str) and "\n" not in item for item in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(list, _represent_list)


def _is_empty(value):
    return value is None or value == "" or value == [] or value is False


def _trimmed(entry, keys, always=()):
    return {key: entry[key] for key in keys if key in always or not _is_empty(entry[key])}


def record_text(record):
    """The file text for a canonical record (deterministic: fixed key order, empty values
    left out)."""
    kind = record["kind"]
    front = {}
    for key in KEYS[kind]:
        value = record[key]
        if key == "rules":
            value = [_trimmed(rule, RULE_KEYS, RULE_ALWAYS_WRITTEN) for rule in value]
        elif key == "contacts":
            value = [_trimmed(contact, CONTACT_KEYS, {"service", "name"}) for contact in value]
        elif key == "legal_basis":
            value = [_trimmed(basis, LEGAL_BASIS_KEYS, {"title"}) for basis in value]
        if key in ALWAYS_WRITTEN or not _is_empty(value):
            front[key] = value
    yaml_text = yaml.dump(
        front,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100_000,
    )
    text = f"---\n{yaml_text}---\n"
    if record["body"]:
        text += f"\n{record['body']}\n"
    return text


def record_path(record):
    """Where the export writes the record, relative to the export folder."""
    folder = KIND_FOLDERS[record["kind"]]
    if record["kind"] == "factsheet":
        return f"{folder}/{record['country']}/{record['topic']}.md"
    return f"{folder}/{record['slug']}.md"
