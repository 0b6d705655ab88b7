"""Fact sheets and their comparison in the JSON API, added to portal.api's NinjaAPI:

    GET /api/v1/factsheets?country=&topic=      the live sheets (filters optional)
    GET /api/v1/factsheets/{id}                 one sheet with its structured rows
    GET /api/v1/compare?topic=&countries=BE,DE  the comparison, same rows as the page

Same access as the pages (every member of the network reads every live sheet; Wagtail view
restrictions still apply). The comparison is built by knowledge.compare, like the page and its
PDF. An unknown country or topic is a 400 whose `param` names the parameter; a sheet that does
not exist (or is not live) is a JSON 404."""

import datetime

from django.http import Http404
from django.utils import timezone
from ninja import Path, Router, Schema, Status
from wagtail.rich_text import expand_db_html

from knowledge import compare, selectors
from knowledge.compare import ParamError
from knowledge.topics import topic_order
from portal.api import MAX_ID

factsheets_router = Router(tags=["knowledge"])
compare_router = Router(tags=["knowledge"])


# --- Schemas ----------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class ParamErrorOut(Schema):
    detail: str
    param: str


class FactSheetOut(Schema):
    id: int
    title: str
    country: str  # ISO 3166 code
    country_name: str
    topic: str  # topic slug (knowledge.topics)
    topic_title: str
    language: str
    last_reviewed: datetime.date
    review_due: datetime.date
    overdue: bool
    url: str


class CrossBorderRuleOut(Schema):
    action: str
    action_label: str
    neighbour: str
    neighbour_name: str
    apprehension: str
    apprehension_text: str
    limit_km: int | None  # null: no limit in space
    limit_hours: int | None  # null: no limit in time
    offences: str
    offences_text: str
    transport: list[str]
    notify: str
    conditions: str
    text: str


class ContactPointOut(Schema):
    service: str
    service_label: str
    name: str
    available_24_7: bool
    phone: str
    email: str
    languages: list[str]


class LegalBasisOut(Schema):
    title: str
    reference: str
    source: str
    as_of: datetime.date | None
    document_url: str


class FactSheetDetailOut(FactSheetOut):
    summary: str
    body: str  # HTML
    cross_border_rules: list[CrossBorderRuleOut]
    contact_points: list[ContactPointOut]
    legal_bases: list[LegalBasisOut]


class TopicOut(Schema):
    slug: str
    title: str
    reference: str


class ComparedSheetOut(Schema):
    id: int
    title: str
    url: str
    language: str
    last_reviewed: datetime.date
    review_due: datetime.date
    overdue: bool


class ComparedCountryOut(Schema):
    code: str
    name: str
    factsheet: ComparedSheetOut | None


class CellOut(Schema):
    country: str
    status: str  # value | no_rule | own_country | no_sheet
    text: str
    items: list[dict]
    html: str


class RowOut(Schema):
    key: str
    label: str
    compared: bool
    differs: bool
    cells: list[CellOut]


class GroupOut(Schema):
    key: str
    title: str
    rows: list[RowOut]


class ComparisonOut(Schema):
    topic: TopicOut
    countries: list[ComparedCountryOut]
    difference_count: int
    groups: list[GroupOut]


PARAM_ERRORS = {400: ParamErrorOut, 401: ErrorOut, 422: ErrorOut}


# --- Helpers ----------------------------------------------------------------------------------


def _absolute_url(request, sheet):
    url = sheet.get_url(request) or ""
    return request.build_absolute_uri(url) if url else ""


def _sheet(request, sheet, *, today):
    return {
        "id": sheet.pk,
        "title": sheet.title,
        "country": sheet.country.code,
        "country_name": sheet.country.name,
        "topic": sheet.topic,
        "topic_title": sheet.topic_info.title if sheet.topic_info else sheet.topic,
        "language": sheet.language,
        "last_reviewed": sheet.last_reviewed,
        "review_due": sheet.review_due,
        "overdue": sheet.is_overdue_on(today),
        "url": _absolute_url(request, sheet),
    }


def _rule(rule):
    return {
        "action": rule.action,
        "action_label": rule.get_action_display(),
        "neighbour": rule.neighbour.code,
        "neighbour_name": rule.neighbour.name,
        "apprehension": rule.apprehension,
        "apprehension_text": rule.apprehension_text,
        "limit_km": rule.limit_km,
        "limit_hours": rule.limit_hours,
        "offences": rule.offences,
        "offences_text": rule.offences_text,
        "transport": [item for item in rule.transport.split(",") if item],
        "notify": rule.notify,
        "conditions": rule.conditions,
        "text": rule.as_text(),
    }


def _one_country(value):
    codes = compare.split_codes(value)
    if len(codes) != 1:
        raise ParamError("country", "Give one two-letter ISO country code, e.g. BE.")
    known = compare.countries_by_code()
    if codes[0] not in known:
        raise ParamError("country", f"Unknown country code: {codes[0][:10]}.")
    return known[codes[0]]


def _param_error(error):
    return Status(400, {"detail": f"{error.param}: {error.message}", "param": error.param})


# --- Endpoints --------------------------------------------------------------------------------


@factsheets_router.get(
    "",
    response={200: list[FactSheetOut], **PARAM_ERRORS},
    summary="The live fact sheets, by country and topic (both filters optional)",
    description=(
        "`country` is an ISO 3166 code (EL is read as GR), `topic` a topic slug such as "
        "`hot-pursuit`. Sorted by country name, then in the topics' order. `review_due` is "
        "`last_reviewed` plus the sheet's review interval; `overdue` is true from that day."
    ),
    url_name="factsheet_list",
)
def factsheet_list(request, country: str | None = None, topic: str | None = None):
    sheets = selectors.fact_sheets_for(request.user).defer("body")
    try:
        if country:
            sheets = sheets.filter(country=_one_country(country))
        if topic:
            sheets = sheets.filter(topic=compare.parse_topic(topic).slug)
    except ParamError as error:
        return _param_error(error)
    today = timezone.localdate()
    sheets = sorted(sheets, key=lambda sheet: (sheet.country.name, topic_order(sheet.topic)))
    return [_sheet(request, sheet, today=today) for sheet in sheets]


@factsheets_router.get(
    "/{sheet_id}",
    response={200: FactSheetDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One fact sheet: its structured rules, contact points, legal basis and text",
    description=(
        "`cross_border_rules` say what officers of `neighbour` may do on the territory of the "
        "sheet's country; `limit_km` / `limit_hours` null means no limit. `body` is HTML."
    ),
    url_name="factsheet_detail",
)
def factsheet_detail(request, sheet_id: int = Path(..., ge=1, le=MAX_ID)):
    sheet = selectors.fact_sheets_with_structure(
        selectors.fact_sheets_for(request.user).filter(pk=sheet_id)
    ).first()
    if sheet is None:
        raise Http404
    data = _sheet(request, sheet, today=timezone.localdate())
    data.update(
        summary=sheet.summary,
        body=expand_db_html(sheet.body) if sheet.body else "",
        cross_border_rules=[_rule(rule) for rule in sheet.cross_border_rules.all()],
        contact_points=[compare.contact_item(c) for c in sheet.contact_points.all()],
        legal_bases=[
            compare.legal_basis_item(basis, absolute_url=request.build_absolute_uri)
            for basis in sheet.legal_bases.all()
        ],
    )
    return data


@compare_router.get(
    "",
    response={200: ComparisonOut, **PARAM_ERRORS},
    summary="Compare one topic across two to six countries, rows aligned, differences marked",
    description=(
        "`countries` is a comma list of 2 to 6 ISO codes (`BE,DE,FR`); the columns follow "
        "its order. The same rows as the comparison page: each row has one cell per country "
        "(`status`: value, no_rule, own_country or no_sheet) and `differs` when the compared "
        "values are not all the same."
    ),
    url_name="compare",
)
def compare_endpoint(request, topic: str = "", countries: str = ""):
    try:
        found_topic = compare.parse_topic(topic)
        found_countries = compare.parse_countries([countries])
    except ParamError as error:
        return _param_error(error)
    result = compare.comparison(
        topic=found_topic, countries=found_countries, user=request.user, request=request
    )
    return compare.comparison_as_dict(result)
