"""Reports of the case register: statistics (Art. 18), the audit log (Art. 25 LED), CSV and
PDF exports. Each starts from the scoped selectors; the network view shows counts only."""

import csv
import datetime
import io
from urllib.parse import urlencode

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases import deadlines, permissions, selectors, services, stats
from cases.models import AuditAction
from portal.exports import PDF_CONTENT_TYPE, download_response, render_pdf
from portal.models import Country

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
EXPORT_LIMIT = 10_000


def _safe(value):
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_response(rows, filename):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
    return download_response(
        buffer.getvalue().encode("utf-8-sig"), content_type=CSV_CONTENT_TYPE, filename=filename
    )


def _year(request):
    default = timezone.now().year
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= default + 1 else default


def _report_country(request):
    """The country whose statistics are shown: the user's own; an administrator with
    CASES_ADMIN_ACCESS picks one (?country=XX)."""
    own = permissions.case_country(request.user)
    if own is not None:
        return own
    if permissions.admin_reads_all(request.user):
        from portal.reference import country_by_code

        return (
            country_by_code(request.GET.get("country", ""))
            or Country.objects.order_by("code").first()
        )
    raise Http404("No such page")


def _report(request):
    country = _report_country(request)
    year = _year(request)
    return stats.report(selectors.cases_visible_to(request.user), country=country, year=year)


@require_GET
def statistics(request):
    data = _report(request)
    biggest = max([r["total"] for r in data["received"]] + [n for _, n in data["sent"]] + [1])
    return TemplateResponse(
        request,
        "cases/statistics.html",
        {
            **data,
            "biggest": biggest,
            "years": range(timezone.now().year, timezone.now().year - 6, -1),
            "countries": (
                Country.objects.order_by("name")
                if permissions.admin_reads_all(request.user)
                else None
            ),
            "is_head": permissions.is_head(request.user),
        },
    )


@require_GET
def statistics_csv(request):
    data = _report(request)
    return _csv_response(
        stats.csv_rows(data), f"case-statistics-{data['country'].code}-{data['year']}.csv"
    )


@require_GET
def statistics_pdf(request):
    data = _report(request)
    body = render_pdf("cases/statistics_pdf.html", {**data, "generated": timezone.now()})
    return download_response(
        body,
        content_type=PDF_CONTENT_TYPE,
        filename=f"case-statistics-{data['country'].code}-{data['year']}.pdf",
    )


@require_GET
def statistics_network(request):
    """Heads of SPOC compare the network: cases per country and direction, no case data."""
    if not (permissions.is_head(request.user) or permissions.admin_reads_all(request.user)):
        raise Http404("No such page")
    year = _year(request)
    return TemplateResponse(
        request,
        "cases/statistics_network.html",
        {
            "rows": stats.network_counts(year=year),
            "year": year,
            "years": range(timezone.now().year, timezone.now().year - 6, -1),
        },
    )


@require_GET
def cases_csv(request):
    """The list as CSV, with its filters (the same selector as the page)."""
    if not permissions.can_use_cases(request.user):
        raise Http404("No such page")
    params = {
        "query": request.GET.get("q", ""),
        "status": request.GET.get("status", "all"),
        "direction": request.GET.get("direction", ""),
        "overdue": request.GET.get("overdue") == "1",
    }
    cases = list(selectors.cases_list(request.user, **params)[:EXPORT_LIMIT])
    country = permissions.case_country(request.user)
    if country is not None:
        services.cases_disclosed(
            actor=request.user,
            country=country,
            detail=f"CSV export of {len(cases)} case(s)",
            recipients=str(request.user),
        )

    def rows():
        yield [
            "number",
            "direction",
            "counterpart",
            "channel",
            "status",
            "urgent",
            "received_at_utc",
            "due_at_utc",
            "answered_at_utc",
            "summary",
        ]
        for case in cases:
            yield [
                case.number,
                case.direction,
                case.counterpart_label,
                case.channel,
                case.status,
                "yes" if case.urgent else "no",
                case.received_at.isoformat(),
                case.due_at.isoformat(),
                case.answered_at.isoformat() if case.answered_at else "",
                case.summary,
            ]

    return _csv_response(rows(), "cases.csv")


def _audit_filters(request):
    def day(name):
        try:
            return datetime.date.fromisoformat(request.GET.get(name, ""))
        except ValueError:
            return None

    action = request.GET.get("action", "")
    return {
        "case_number": request.GET.get("case", "")[:20],
        "action": action if action in AuditAction.values else "",
        "actor": request.GET.get("actor", "")[:100],
        "since": day("since"),
        "until": day("until"),
    }


@require_GET
def audit_log(request):
    if not permissions.can_read_audit(request.user):
        raise Http404("No such page")
    from django.core.paginator import Paginator

    filters = _audit_filters(request)
    page = Paginator(selectors.audit_entries(request.user, **filters), 100).get_page(
        request.GET.get("page")
    )
    country = permissions.audit_country(request.user)
    return TemplateResponse(
        request,
        "cases/audit_log.html",
        {
            "page": page,
            "entries": list(page.object_list),
            "filters": filters,
            "actions": AuditAction.choices,
            "zone": deadlines.zone_for(country.code if country else ""),
            "query": urlencode(
                {
                    key: value
                    for key, value in (
                        ("case", filters["case_number"]),
                        ("action", filters["action"]),
                        ("actor", filters["actor"]),
                        ("since", filters["since"] or ""),
                        ("until", filters["until"] or ""),
                    )
                    if value
                }
            ),
        },
    )


@require_GET
def audit_csv(request):
    if not permissions.can_read_audit(request.user):
        raise Http404("No such page")
    entries = selectors.audit_entries(request.user, **_audit_filters(request))[:100_000]

    def rows():
        yield [
            "country",
            "sequence",
            "at_utc",
            "actor",
            "action",
            "case",
            "detail",
            "justification",
            "recipients",
            "hash",
        ]
        for e in entries.iterator():
            yield [
                e.country.code,
                e.sequence,
                e.at.isoformat(),
                e.actor_label,
                e.action,
                e.case_number,
                e.detail,
                e.justification,
                e.recipients,
                e.hash,
            ]

    return _csv_response(rows(), "case-audit-log.csv")
