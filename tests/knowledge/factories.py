"""Helpers to build knowledge content in tests (pages are made through the page tree, as
Wagtail does, and published with a revision)."""

import datetime

from knowledge.models import (
    BestPracticeIndexPage,
    BestPracticePage,
    ContactPoint,
    CountryFactSheetsPage,
    CrossBorderRule,
    LegalBasis,
    ObstacleIndexPage,
    ObstaclePage,
)
from knowledge.topics import topic_by_slug
from portal.models import Country


def country(code):
    return Country.objects.get(code=code)


def country_page(code):
    return CountryFactSheetsPage.objects.get(country__code=code)


def insider_of_restricted_country(code):
    """Restricts country `code`'s fact sheets to a new group and returns an NL officer in it
    (everyone else is an outsider to those pages)."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    from tests.factories import user_in

    insiders = Group.objects.create(name="Insiders")
    restriction = PageViewRestriction.objects.create(
        page=country_page(code), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(insiders)
    insider = user_in("NL", "officer")
    insider.groups.add(insiders)
    return insider


def make_sheet(
    code, topic="hot-pursuit", *, rules=(), contacts=(), bases=(), publish=True, **fields
):
    """A fact sheet of country `code` (published unless publish=False). `rules` are dicts for
    CrossBorderRule (neighbour as an ISO code), `contacts` for ContactPoint, `bases` for
    LegalBasis; other keyword arguments are FactSheetPage fields."""
    from knowledge.models import FactSheetPage

    parent = country_page(code)
    fields.setdefault("title", f"{topic_by_slug(topic).title} — {parent.country.name}")
    fields.setdefault("summary", f"What {parent.country.name} allows.")
    fields.setdefault("last_reviewed", datetime.date(2026, 6, 1))
    sheet = FactSheetPage(topic=topic, **fields)
    for rule in rules:
        rule = dict(rule)
        rule["neighbour"] = country(rule["neighbour"])
        sheet.cross_border_rules.add(CrossBorderRule(**rule))
    for contact in contacts:
        sheet.contact_points.add(ContactPoint(**contact))
    for basis in bases:
        sheet.legal_bases.add(LegalBasis(**basis))
    if not publish:
        sheet.live = False  # a draft: saved with a revision, never published
    parent.add_child(instance=sheet)
    revision = sheet.save_revision()
    if publish:
        revision.publish()
    sheet.refresh_from_db()
    return sheet


def make_practice(
    title="Shared inbox triage", *, countries=("BE",), category="workflow", tags=(), **fields
):
    index = BestPracticeIndexPage.objects.get()
    page = BestPracticePage(
        title=title, category=category, summary=fields.pop("summary", title), **fields
    )
    page.countries = [country(code) for code in countries]
    if tags:
        page.tags.add(*tags)
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_obstacle(
    title="No common language", *, countries=("BE", "NL"), kind="pragmatic", status="open", **fields
):
    index = ObstacleIndexPage.objects.get()
    page = ObstaclePage(
        title=title,
        kind=kind,
        status=status,
        description=fields.pop("description", f"<p>{title}.</p>"),
        **fields,
    )
    page.countries = [country(code) for code in countries]
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page
