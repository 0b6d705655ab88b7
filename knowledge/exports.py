"""PDF exports for offline use (WeasyPrint, from HTML templates): one country's fact sheets,
and a comparison. A4, sober: a running header with the title and the generation date, page
numbers in the footer, every sheet's "last reviewed" and every legal basis's "as of" date.

Drawn with portal.exports.render_pdf, which loads no external resource (a link or image in a
sheet's rich text is never fetched)."""

from django.utils import timezone

from knowledge import compare, selectors
from knowledge.topics import topic_order
from portal.exports import render_pdf


def country_sheets(country, *, user, request=None, today=None):
    """A country's live sheets in topic order, every child row prefetched, each with what the
    export shows (rows by kind, overdue, absolute URL). A fixed number of queries."""
    today = today or timezone.localdate()
    sheets = list(
        selectors.fact_sheets_with_structure(
            selectors.fact_sheets_for(user).filter(country=country)
        )
    )
    sheets.sort(key=lambda sheet: topic_order(sheet.topic))
    absolute = request.build_absolute_uri if request is not None else (lambda url: url)
    result = []
    for sheet in sheets:
        rules = list(sheet.cross_border_rules.all())
        url = sheet.get_url(request) or ""
        result.append(
            {
                "sheet": sheet,
                "topic": sheet.topic_info,
                "url": absolute(url) if url else "",
                "overdue": sheet.is_overdue_on(today),
                "rules": [
                    {
                        "rule": rule,
                        "fields": [
                            (label, compare.rule_value(rule, field))
                            for field, label, actions in compare.RULE_FIELDS
                            if actions is None or rule.action in actions
                        ],
                    }
                    for rule in rules
                ],
                "contacts": list(sheet.contact_points.all()),
                "legal_bases": [
                    compare.legal_basis_item(basis, absolute_url=absolute)
                    for basis in sheet.legal_bases.all()
                ],
            }
        )
    return result


def country_pdf(country, *, user, request=None):
    generated_at = timezone.localtime()
    sheets = country_sheets(country, user=user, request=request)
    return render_pdf(
        "knowledge/tools/pdf/country.html",
        {
            "title": f"Fact sheets: {country.name}",
            "country": country,
            "sheets": sheets,
            "generated_at": generated_at,
        },
    )


def comparison_pdf(result):
    title = f"Comparison: {result.topic.title}"
    return render_pdf(
        "knowledge/tools/pdf/compare.html",
        {
            "title": title,
            "comparison": result,
            "generated_at": timezone.localtime(result.generated_at),
            "country_names": ", ".join(country.name for country in result.countries),
        },
    )


def country_filename(country):
    return f"fact-sheets-{country.code.lower()}-{timezone.localdate().isoformat()}.pdf"


def comparison_filename(result):
    codes = "-".join(code.lower() for code in result.codes)
    return f"comparison-{result.topic.slug}-{codes}-{timezone.localdate().isoformat()}.pdf"
