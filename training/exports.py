"""Files handed out by the training pages: the pooled needs of a round as CSV (the matrix,
and one row per answer) and as PDF (WeasyPrint through portal.exports, which loads no
external resource).

CSV cells that a spreadsheet would read as a formula (starting with =, +, -, @, tab or
carriage return) get a leading apostrophe: comments are typed by people."""

import csv
import io

from django.utils import timezone
from django.utils.text import slugify

from portal.exports import render_pdf

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    # A byte-order mark, so that spreadsheet programs read the names' accents right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def needs_matrix_csv(matrix):
    """Countries x topics: staff to train, a total per country and per topic."""
    rows = [["Country code", "Country", "Answered", *[t.name for t in matrix.topics], "Total"]]
    for row in matrix.rows:
        rows.append(
            [
                row.country.code,
                row.country.name,
                "yes" if row.answered else "no",
                *[cell.staff_count if cell is not None else "" for cell in row.cells],
                row.total,
            ]
        )
    rows.append(["", "Total", len(matrix.answered), *matrix.topic_totals, matrix.grand_total])
    return _csv(rows)


def needs_answers_csv(matrix):
    """One row per answer, every field: for sorting and pivoting in a spreadsheet."""
    rows = [
        [
            "Country code",
            "Country",
            "Topic",
            "Staff to train",
            "Profile",
            "Proficiency level",
            "Urgency",
            "Comment",
            "Last updated",
        ]
    ]
    for row in matrix.rows:
        for topic, cell in zip(matrix.topics, row.cells, strict=True):
            if cell is None:
                continue
            rows.append(
                [
                    row.country.code,
                    row.country.name,
                    topic.name,
                    cell.staff_count,
                    cell.get_profile_display(),
                    cell.get_level_display(),
                    cell.get_urgency_display(),
                    cell.comment,
                    timezone.localtime(cell.updated_at).strftime("%Y-%m-%d %H:%M"),
                ]
            )
    return _csv(rows)


def needs_matrix_pdf(matrix):
    generated_at = timezone.localtime()
    return render_pdf(
        "training/pdf/needs_matrix.html",
        {
            "title": f"Training needs: {matrix.needs_round.title}",
            "matrix": matrix,
            "generated_at": generated_at,
        },
    )


def needs_filename(needs_round, kind, extension):
    slug = slugify(needs_round.title)[:60] or f"round-{needs_round.pk}"
    return f"training-needs-{slug}-{kind}-{timezone.localdate().isoformat()}.{extension}"


def plan_pdf(year, sessions):
    months = {}
    for session in sessions:
        months.setdefault(session.first_day.replace(day=1), []).append(session)
    return render_pdf(
        "training/pdf/plan.html",
        {
            "title": f"Annual training plan {year}",
            "year": year,
            "months": sorted(months.items()),
            "sessions": sessions,
            "generated_at": timezone.localtime(),
        },
    )
