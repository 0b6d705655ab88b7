"""Reads of the knowledge base, already scoped to what the user may see, with a bounded
number of queries whatever the number of countries and sheets.

Every logged-in user reads every live knowledge page; pages under a Wagtail view restriction
the user does not pass are left out (portal.visibility, the one rule; every selector takes
the user).

Fact sheets
-----------
fact_sheets_for(user) -> QuerySet[FactSheetPage]
    Live sheets the user may read, country selected. Registered as the site-search source.
fact_sheets_with_structure(queryset) -> QuerySet[FactSheetPage]
    The queryset with everything a full sheet shows prefetched: cross-border rules (with
    neighbour), contact points, legal bases (with document), attached documents (with
    document) — 5 queries for any number of sheets.
fact_sheets_compare(*, topic, countries, user) -> list[FactSheetPage]
    Live sheets on `topic` for `countries` (Country objects or ISO codes), in the given
    country order, structure prefetched (for the comparison and quick answer).
sheet_structured_rows(sheet) -> dict
    {"rules": [CrossBorderRule], "hot_pursuit": [...], "surveillance": [...],
     "joint_patrol": [...], "contacts": [ContactPoint], "legal_bases": [LegalBasis],
     "documents": [Document]} from the prefetched (or in-memory, in previews) rows.
    Each rule has .as_text(), .limit_space_text, .limit_time_text, .apprehension_text,
    .offences_text, .transport_text; a contact .as_text(); a legal basis .as_text().
cross_border_rule(*, origin, entered, action, user) -> CrossBorderRule | None
    The rule for officers of `origin` acting on the territory of `entered` (codes or
    Country), with .page (the live sheet of `entered`, its country selected) and .neighbour.
country_fact_sheets(country, *, user) -> list[FactSheetPage]
    A country's live sheets in topic order (no structure prefetched).
fact_sheet_matrix(*, user, today=None) -> dict
    {"topics": [Topic], "rows": [{"country": Country, "page": CountryFactSheetsPage,
     "cells": [{"topic": Topic, "sheet": FactSheetPage | None, "overdue": bool}],
     "count": int}], "sheet_count": int, "overdue_count": int} — 2 queries.
overdue_fact_sheets(*, today=None, countries=None) -> list[FactSheetPage]
sheets_to_review(*, user, today=None, within_days=30) -> list[FactSheetPage]
    Overdue or due within `within_days`: an editor's own country; reviewers/admins all.
fact_sheet_context(sheet, *, request=None) -> dict
    What the fact-sheet page shows: sheet_structured_rows(...) plus "topic", "overdue",
    "country_page", "can_edit" (rows from memory in previews).
fact_sheet_revisions(sheet) -> list[dict]
    The sheet's published revisions, newest first: {"revision", "published_at", "author",
    "approved_by"}.

Best practices, obstacles, documents
------------------------------------
best_practices_for(user), obstacles_for(user), knowledge_documents_for(user) -> QuerySet
best_practice_list_context(params, user), obstacle_list_context(params, user)
    The filtered list (category/country/tag; status/kind/country) and the filter choices.
knowledge_documents(user) -> list[KnowledgeDocumentPage]
knowledge_sections(user) -> list[dict]  (the Knowledge page's sections with counts)
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from wagtail.models import PageLogEntry, Revision

from knowledge import permissions
from knowledge.models import (
    BestPracticeIndexPage,
    BestPracticePage,
    BestPracticeTag,
    ContactPoint,
    CountryFactSheetsPage,
    CrossBorderRule,
    DocumentIndexPage,
    FactSheetDocument,
    FactSheetIndexPage,
    FactSheetPage,
    KnowledgeDocumentPage,
    LegalBasis,
    ObstacleIndexPage,
    ObstaclePage,
    ObstacleStatus,
)
from knowledge.topics import TOPICS, topic_by_slug, topic_order
from portal.fragments import FRAGMENT_SECONDS, fragment_key
from portal.models import Country
from portal.visibility import exclude_hidden

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from portal.models import User

DUE_SOON_DAYS = 30


# --- Scoping --------------------------------------------------------------------------------


def _visible(queryset, user):
    return exclude_hidden(queryset, user)


def _country(value):
    if isinstance(value, Country):
        return value
    code = str(value).upper()
    if code == "EL":
        return Country.objects.filter(eu_code="EL").first()
    return Country.objects.filter(code=code).first()


# --- Fact sheets ----------------------------------------------------------------------------


def fact_sheets_for(user: User | AnonymousUser) -> QuerySet[FactSheetPage]:
    return _visible(FactSheetPage.objects.live().select_related("country"), user)


def fact_sheet_structure() -> tuple[Prefetch, ...]:
    """The prefetches of a fact sheet's rows: cross-border rules, contact points, legal bases
    and documents, in the order they are shown."""
    return (
        Prefetch(
            "cross_border_rules",
            queryset=CrossBorderRule.objects.select_related("neighbour").order_by(
                "sort_order", "pk"
            ),
        ),
        Prefetch("contact_points", queryset=ContactPoint.objects.order_by("sort_order", "pk")),
        Prefetch(
            "legal_bases",
            queryset=LegalBasis.objects.select_related("document").order_by("sort_order", "pk"),
        ),
        Prefetch(
            "documents",
            queryset=FactSheetDocument.objects.select_related("document").order_by(
                "sort_order", "pk"
            ),
        ),
    )


def fact_sheets_with_structure(queryset: QuerySet[FactSheetPage]) -> QuerySet[FactSheetPage]:
    return queryset.select_related("country").prefetch_related(*fact_sheet_structure())


def fact_sheets_compare(
    *, topic: str, countries: Iterable[Country | str], user: User | AnonymousUser
) -> list[FactSheetPage]:
    wanted = [_country(value) for value in countries]
    wanted = [country for country in wanted if country is not None]
    sheets = {
        sheet.country_id: sheet
        for sheet in fact_sheets_with_structure(
            fact_sheets_for(user).filter(topic=topic, country__in=wanted)
        )
    }
    return [sheets[country.pk] for country in wanted if country.pk in sheets]


def sheet_structured_rows(sheet: FactSheetPage) -> dict[str, list[Any]]:
    rules = list(sheet.cross_border_rules.all())
    by_action = defaultdict(list)
    for rule in rules:
        by_action[rule.action].append(rule)
    return {
        "rules": rules,
        "hot_pursuit": by_action["hot_pursuit"],
        "surveillance": by_action["surveillance"],
        "joint_patrol": by_action["joint_patrol"],
        "contacts": list(sheet.contact_points.all()),
        "legal_bases": list(sheet.legal_bases.all()),
        "documents": [item.document for item in sheet.documents.all()],
    }


def cross_border_rule(
    *, origin: Country | str, entered: Country | str, action: str, user: User | AnonymousUser
) -> CrossBorderRule | None:
    origin, entered = _country(origin), _country(entered)
    if origin is None or entered is None:
        return None
    sheets = fact_sheets_for(user).filter(country=entered)
    return (
        CrossBorderRule.objects.filter(
            page__in=sheets.values("pk"), neighbour=origin, action=action
        )
        .select_related("page", "page__country", "neighbour")
        .first()
    )


def country_fact_sheets(country: Country, *, user: User | AnonymousUser) -> list[FactSheetPage]:
    sheets = list(fact_sheets_for(user).filter(country=country))
    sheets.sort(key=lambda sheet: topic_order(sheet.topic))
    return sheets


def fact_sheet_matrix(
    *, user: User | AnonymousUser, today: datetime.date | None = None
) -> dict[str, Any]:
    today = today or timezone.localdate()
    country_pages = list(
        _visible(CountryFactSheetsPage.objects.live(), user)
        .select_related("country")
        .order_by("country__name")
    )
    sheets = defaultdict(dict)
    overdue_count = 0
    for sheet in fact_sheets_for(user).defer("body", "summary"):
        sheets[sheet.country_id][sheet.topic] = sheet
    rows = []
    sheet_count = 0
    for page in country_pages:
        cells = []
        for topic in TOPICS:
            sheet = sheets[page.country_id].get(topic.slug)
            overdue = bool(sheet and sheet.is_overdue_on(today))
            overdue_count += overdue
            cells.append({"topic": topic, "sheet": sheet, "overdue": overdue})
        count = len(sheets[page.country_id])
        sheet_count += count
        rows.append({"country": page.country, "page": page, "cells": cells, "count": count})
    return {
        "topics": TOPICS,
        "rows": rows,
        "sheet_count": sheet_count,
        "overdue_count": overdue_count,
    }


def overdue_fact_sheets(
    *,
    today: datetime.date | None = None,
    countries: Iterable[Country] | None = None,
    within_days: int = 0,
) -> list[FactSheetPage]:
    """Live sheets whose review is due on or before `today` + `within_days`, oldest due first
    (the due date depends on each sheet's interval, so it is computed here: a country has at
    most one sheet per topic)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=within_days)
    queryset = FactSheetPage.objects.live().select_related("country").defer("body")
    if countries is not None:
        queryset = queryset.filter(country__in=countries)
    sheets = [sheet for sheet in queryset if sheet.review_due <= horizon]
    sheets.sort(key=lambda sheet: (sheet.review_due, sheet.country.name, topic_order(sheet.topic)))
    return sheets


def sheets_to_review(
    *,
    user: User | AnonymousUser,
    today: datetime.date | None = None,
    within_days: int = DUE_SOON_DAYS,
) -> list[FactSheetPage]:
    if permissions.is_reviewer(user):
        countries = None
    elif permissions.is_country_editor(user) and user.country is not None:
        countries = [user.country]
    else:
        return []
    return overdue_fact_sheets(today=today, countries=countries, within_days=within_days)


FACT_SHEET_BODY_KEYS = (
    "rules",
    "hot_pursuit",
    "surveillance",
    "joint_patrol",
    "contacts",
    "legal_bases",
    "documents",
    "attachments",
    "country_page",
)


def fact_sheet_context(
    sheet: FactSheetPage, *, request: HttpRequest | None = None
) -> dict[str, Any]:
    """What the fact-sheet page shows (also used in previews, where the rows are in memory).

    On a published sheet the body (structured rows, documents, the country's page) is the
    same for everyone who may see the same pages on the same day, so the template caches it
    under ``body_cache_key`` (portal.fragments) and its rows are read only on a cache miss.
    Whether the user may edit stays outside the cached body."""
    user = getattr(request, "user", None)
    context = {
        "topic": topic_by_slug(sheet.topic),
        "overdue": sheet.is_overdue,
        "can_edit": bool(user and sheet.pk and permissions.can_edit_page(user, sheet)),
        "body_cache_key": None,
        "fragment_seconds": FRAGMENT_SECONDS,
    }
    if not sheet.pk or getattr(request, "is_preview", False):
        context.update(_fact_sheet_body(sheet))
        return context
    body = SimpleLazyObject(
        lambda: _fact_sheet_body(
            fact_sheets_with_structure(FactSheetPage.objects.filter(pk=sheet.pk)).first() or sheet
        )
    )
    for key in FACT_SHEET_BODY_KEYS:
        context[key] = SimpleLazyObject(functools.partial(operator.getitem, body, key))
    context["body_cache_key"] = fragment_key(
        "knowledge:fact-sheet", user, sheet.pk, timezone.localdate().isoformat()
    )
    return context


def _fact_sheet_body(sheet: FactSheetPage) -> dict[str, Any]:
    rows = sheet_structured_rows(sheet)
    return {
        **rows,
        "attachments": rows["documents"],
        "country_page": CountryFactSheetsPage.objects.filter(country_id=sheet.country_id).first(),
    }


def _display_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.email or user.get_username()


def fact_sheet_revisions(sheet: FactSheetPage) -> list[dict[str, Any]]:
    """Published revisions, newest first. A revision counts as approved when it was published
    (directly, or at the end of the review workflow)."""
    publications = (
        PageLogEntry.objects.filter(page_id=sheet.pk, action="wagtail.publish")
        .exclude(revision__isnull=True)
        .select_related("user")
        .order_by("-timestamp", "-pk")
    )
    first_publication = {}
    for entry in publications:
        first_publication[entry.revision_id] = entry  # oldest wins (iterating newest first)
    revisions = Revision.page_revisions.filter(
        object_id=str(sheet.pk), pk__in=list(first_publication)
    ).select_related("user")
    result = []
    for revision in revisions:
        entry = first_publication[revision.pk]
        result.append(
            {
                "revision": revision,
                "published_at": entry.timestamp,
                "author": _display_name(revision.user),
                "approved_by": _display_name(entry.user),
            }
        )
    result.sort(key=lambda item: (item["published_at"], item["revision"].pk), reverse=True)
    return result


# --- Best practices, obstacles, documents ---------------------------------------------------


ATTACHMENT_TEXTS = "documents__document__knowledge_text"


# What a search hit's snippet reads beyond the page row (search.sources `snippet_prefetch`):
# fetched only for the hits whose snippet is not built yet.
FACT_SHEET_SNIPPET_ROWS = (*fact_sheet_structure(), ATTACHMENT_TEXTS)
TAGGED_ITEM_SNIPPET_ROWS = ("tags", ATTACHMENT_TEXTS)
ATTACHMENT_SNIPPET_ROWS = (ATTACHMENT_TEXTS,)


def best_practices_for(user: User | AnonymousUser) -> QuerySet[BestPracticePage]:
    return _visible(BestPracticePage.objects.live(), user)


def obstacles_for(user: User | AnonymousUser) -> QuerySet[ObstaclePage]:
    return _visible(ObstaclePage.objects.live(), user)


def knowledge_documents_for(user: User | AnonymousUser) -> QuerySet[KnowledgeDocumentPage]:
    return _visible(KnowledgeDocumentPage.objects.live(), user)


def _param(params, name, allowed):
    value = params.get(name, "") if params is not None else ""
    return value if value in allowed else ""


def _country_choices(model):
    return list(Country.objects.filter(**{f"{model}__live": True}).distinct().order_by("name"))


def best_practice_list_context(
    params: Mapping[str, str], user: User | AnonymousUser
) -> dict[str, Any]:
    queryset = best_practices_for(user)
    categories = BestPracticePage.Category.choices
    countries = _country_choices("best_practices")
    tags = sorted(
        set(
            BestPracticeTag.objects.filter(content_object__live=True).values_list(
                "tag__name", flat=True
            )
        ),
        key=str.lower,
    )
    category = _param(params, "category", dict(categories))
    country = _param(params, "country", {c.code for c in countries})
    tag = _param(params, "tag", set(tags))
    if category:
        queryset = queryset.filter(category=category)
    if country:
        queryset = queryset.filter(countries__code=country)
    if tag:
        queryset = queryset.filter(tagged_items__tag__name=tag)
    practices = list(
        queryset.distinct()
        .prefetch_related("countries", "tagged_items__tag")
        .order_by("-first_published_at", "title")
    )
    return {
        "practices": practices,
        "filters": {"category": category, "country": country, "tag": tag},
        "categories": categories,
        "countries": countries,
        "tags": tags,
    }


def obstacle_list_context(params: Mapping[str, str], user: User | AnonymousUser) -> dict[str, Any]:
    queryset = obstacles_for(user)
    statuses = ObstacleStatus.choices
    kinds = ObstaclePage.Kind.choices
    countries = _country_choices("obstacles")
    status = _param(params, "status", dict(statuses))
    kind = _param(params, "kind", dict(kinds))
    country = _param(params, "country", {c.code for c in countries})
    if status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if country:
        queryset = queryset.filter(countries__code=country)
    obstacles = list(
        queryset.distinct().prefetch_related("countries").order_by("-first_published_at", "title")
    )
    return {
        "obstacles": obstacles,
        "filters": {"status": status, "kind": kind, "country": country},
        "statuses": statuses,
        "kinds": kinds,
        "countries": countries,
    }


def knowledge_documents(user: User | AnonymousUser) -> list[KnowledgeDocumentPage]:
    return list(knowledge_documents_for(user).prefetch_related("countries").order_by("title"))


def knowledge_document_list_context(
    params: Mapping[str, str], user: User | AnonymousUser
) -> dict[str, Any]:
    """The reference document index: every document this user may see, by title (no
    filters yet: there are few)."""
    return {"documents": knowledge_documents(user)}


def knowledge_sections(user: User | AnonymousUser) -> list[dict[str, Any]]:
    """The knowledge index's sections with a count of their live pages."""
    sections = []
    for model, child, label in (
        (FactSheetIndexPage, FactSheetPage, "fact sheets"),
        (BestPracticeIndexPage, BestPracticePage, "best practices"),
        (ObstacleIndexPage, ObstaclePage, "obstacles"),
        (DocumentIndexPage, KnowledgeDocumentPage, "documents"),
    ):
        page = _visible(model.objects.live(), user).first()
        if page is not None:
            count = _visible(child.objects.live(), user).count()
            sections.append({"page": page, "count": count, "label": label})
    return sections
