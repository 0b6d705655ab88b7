"""The knowledge app's sections of the activity report to DAPIX (see meetings.report):
best practices presented and obstacles raised at the network's meetings of the period.

`sections()` is returned by the knowledge app's `register_report_section` hook (meetings never
imports knowledge).
An empty section reads "nothing to report"."""

from django.utils import timezone
from django.utils.html import format_html, format_html_join

from knowledge.models import BestPracticePage, ObstaclePage, ObstacleStatusChange
from meetings.report import ReportSectionType, day, meeting_dates


def _countries(page):
    return ", ".join(sorted(country.name for country in page.countries.all()))


def _at_meeting(context, meeting_id):
    meeting = context.meetings_by_id.get(meeting_id)
    return f"{meeting.title}, {meeting_dates(meeting)}" if meeting else ""


def build_best_practices(context):
    """Best practices presented at the period's meetings (`BestPracticePage.presented_at`)."""
    if not context.meeting_ids:
        return ""
    practices = list(
        BestPracticePage.objects.live()
        .filter(presented_at_id__in=context.meeting_ids)
        .prefetch_related("countries")
        .order_by("title", "pk")
    )
    if not practices:
        return ""
    items = format_html_join(
        "",
        "<li><strong>{}</strong>{} — presented at {}{}</li>",
        (
            (
                page.title,
                f" ({_countries(page)})" if _countries(page) else "",
                _at_meeting(context, page.presented_at_id),
                f". {page.summary}" if getattr(page, "summary", "") else "",
            )
            for page in practices
        ),
    )
    return format_html("<ul>{}</ul>", items)


def build_obstacles(context):
    """Obstacles raised at the period's meetings (`ObstaclePage.raised_at`), and those brought
    to DAPIX during the period (an ObstacleStatusChange to `raised_with_dapix`)."""
    parts = []
    raised = []
    if context.meeting_ids:
        raised = list(
            ObstaclePage.objects.live()
            .filter(raised_at_id__in=context.meeting_ids)
            .prefetch_related("countries")
            .order_by("title", "pk")
        )
    if raised:
        items = format_html_join(
            "",
            "<li><strong>{}</strong>{} — raised at {}; status: {}</li>",
            (
                (
                    page.title,
                    f" ({_countries(page)})" if _countries(page) else "",
                    _at_meeting(context, page.raised_at_id),
                    page.get_status_display().lower(),
                )
                for page in raised
            ),
        )
        parts.append(format_html("<h3>Raised at the network's meetings</h3><ul>{}</ul>", items))
    changes = list(
        ObstacleStatusChange.objects.filter(
            to_status="raised_with_dapix",
            changed_at__gte=context.period_start_at,
            changed_at__lt=context.period_end_at,
            obstacle__live=True,
        )
        .select_related("obstacle")
        .order_by("changed_at", "pk")
    )
    if changes:
        items = format_html_join(
            "",
            "<li><strong>{}</strong> ({})</li>",
            (
                (change.obstacle.title, day(timezone.localtime(change.changed_at).date()))
                for change in changes
            ),
        )
        parts.append(
            format_html(
                "<h3>Brought to the attention of the DAPIX working party</h3><ul>{}</ul>",
                items,
            )
        )
    return "".join(str(part) for part in parts)


def sections():
    """The knowledge app's section types (its `register_report_section` hook)."""
    return [
        ReportSectionType("best_practices", "Best practices presented", 70, build_best_practices),
        ReportSectionType("obstacles", "Obstacles raised", 80, build_obstacles),
    ]
