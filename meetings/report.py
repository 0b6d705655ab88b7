"""The activity report to the Council's DAPIX working party: the draft built from the stored
data for a period.

The report is a list of numbered sections. Each section type is a `ReportSectionType(key,
heading, order, builder)` returned by a `register_report_section` hook (portal.plugins) in an
app's wagtail_hooks.py: meetings' own are `SECTIONS` (below); other apps return theirs (the
knowledge app: best practices presented, obstacles raised — see knowledge/report_sections.py),
so meetings never imports them. Sections come in `order`, then by key; a later hook replaces
an earlier section of the same key. A builder takes the `ReportContext` and returns HTML
(sanitised again on the way into the report); an empty string means there is nothing to
report.

The context fetches each kind of data once, for every meeting of the period together: the
number of queries does not grow with the number of meetings (pinned by a test).
"""

import dataclasses
import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from functools import cached_property

import nh3
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join

from meetings.models import ActionItem, AgendaItem, MeetingPage, Minutes, Registration, TopicKind
from portal import plugins
from portal.models import Country
from portal.reference import presidency_on

# --- Sanitising -----------------------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {
        "p",
        "ul",
        "ol",
        "li",
        "strong",
        "em",
        "h3",
        "a",
        "table",
        "caption",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "th",
        "td",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope", "colspan"}, "td": {"colspan"}}


def sanitize_report_html(html):
    """The section body as the report stores it: only the allowed tags and attributes, links
    over http(s) or mailto. Text without any markup (typed in a textarea) becomes paragraphs,
    one per blank-line-separated block."""
    html = (html or "").strip()
    if html and "<" not in html:
        blocks = [block.strip() for block in html.replace("\r\n", "\n").split("\n\n")]
        html = "".join(f"<p>{escape(block)}</p>" for block in blocks if block)
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


_BLOCK_BREAKS = re.compile(
    r"(</(?:p|li|h3|tr|caption|thead|tbody|tfoot|table|ul|ol)>|<(?:ul|ol|table|thead|tbody|tfoot)>)(?!\n)"
)


def html_for_editing(html):
    """The stored HTML with a line break after each block, easier to edit in a textarea."""
    return _BLOCK_BREAKS.sub(lambda match: match.group(1) + "\n", html or "").strip()


# --- Registry -------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ReportSectionType:
    key: str
    heading: str
    order: int
    builder: Callable


def _in_report_order(section_types):
    by_key = {}
    for section in section_types:
        if not section.key or not section.heading:
            raise ValueError("A report section needs a key and a heading.")
        by_key[section.key] = section  # a later hook replaces an earlier one
    ordered = sorted(by_key.values(), key=lambda section: (section.order, section.key))
    return {section.key: section for section in ordered}


def _section_types():
    return plugins.collect(plugins.REPORT_SECTION, _in_report_order)


def report_section_types():
    """The section types of the `register_report_section` hooks, in report order."""
    return list(_section_types().values())


def report_section_type(key):
    return _section_types().get(key)


# --- The data of a period -------------------------------------------------------------------

NOTHING_TO_REPORT = "<p>Nothing to report for this period.</p>"


def day(value):
    """`3 December 2026` (no locale, no leading zero)."""
    return f"{value.day} {value:%B %Y}"


def meeting_dates(meeting):
    first, last = meeting.first_day, meeting.last_day
    if first == last:
        return day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%B %Y}"
    return f"{day(first)} – {day(last)}"


@dataclasses.dataclass
class ReportContext:
    """What the builders read: the period, the meetings held in it (each kind of related
    data fetched once, on first use, for all of them)."""

    period_start: datetime.date
    period_end: datetime.date
    now: datetime.datetime = dataclasses.field(default_factory=timezone.now)

    @property
    def period_start_at(self):
        tz = timezone.get_current_timezone()
        return datetime.datetime.combine(self.period_start, datetime.time.min, tz)

    @property
    def period_end_at(self):
        """The first moment after the period."""
        tz = timezone.get_current_timezone()
        following = self.period_end + datetime.timedelta(days=1)
        return datetime.datetime.combine(following, datetime.time.min, tz)

    @cached_property
    def meetings(self):
        """Published meetings that took place in the period (by their first day, in their own
        time zone): marked held, or over and neither cancelled nor postponed."""
        margin = datetime.timedelta(days=1)  # time zones: settle on the local date below
        candidates = (
            MeetingPage.objects.live()
            .filter(start__gte=self.period_start_at - margin, start__lt=self.period_end_at + margin)
            .filter(Q(status=MeetingPage.Status.HELD) | Q(end__lte=self.now))
            .exclude(status__in=[MeetingPage.Status.CANCELLED, MeetingPage.Status.POSTPONED])
            .select_related("presidency__country")
            .order_by("start", "pk")
        )
        return [m for m in candidates if self.period_start <= m.first_day <= self.period_end]

    @cached_property
    def meeting_ids(self):
        return [meeting.pk for meeting in self.meetings]

    @cached_property
    def meetings_by_id(self):
        return {meeting.pk: meeting for meeting in self.meetings}

    @cached_property
    def attendance(self):
        """Per delegation (country or agency): meetings attended, delegates present, in person
        and remote. From the attendance records; for a meeting without any record, from its
        confirmed registrations (listed in `estimated`)."""
        registrations = list(
            Registration.objects.filter(meeting_id__in=self.meeting_ids)
            .select_related("country", "organisation", "attendance_record")
            .order_by("pk")
        )
        by_meeting = defaultdict(list)
        for registration in registrations:
            by_meeting[registration.meeting_id].append(registration)
        rows = {}
        estimated = []
        for meeting in self.meetings:
            regs = by_meeting.get(meeting.pk, [])
            recorded = any(_attendance_record(r) is not None for r in regs)
            if not recorded:
                estimated.append(meeting)
            for registration in regs:
                if recorded:
                    record = _attendance_record(registration)
                    if record is None or not record.present:
                        continue
                    mode = record.mode
                elif registration.status == Registration.Status.CONFIRMED:
                    mode = registration.attendance
                else:
                    continue
                delegation = registration.country or registration.organisation
                key = ("country" if registration.country_id else "agency", delegation.pk)
                row = rows.setdefault(
                    key,
                    {
                        "kind": key[0],
                        "name": party(registration.country, registration.organisation),
                        "meetings": set(),
                        "delegates": 0,
                        "in_person": 0,
                        "remote": 0,
                    },
                )
                row["meetings"].add(meeting.pk)
                row["delegates"] += 1
                row["in_person" if mode == "in_person" else "remote"] += 1
        ordered = sorted(rows.values(), key=lambda row: row["name"])
        return {
            "countries": [row for row in ordered if row["kind"] == "country"],
            "agencies": [row for row in ordered if row["kind"] == "agency"],
            "estimated": estimated,
        }

    @cached_property
    def countries(self):
        return list(Country.objects.order_by("name"))

    @cached_property
    def agenda_items(self):
        return list(
            AgendaItem.objects.filter(meeting_id__in=self.meeting_ids)
            .select_related("presenter_country", "presenter_organisation")
            .order_by("meeting__start", "meeting_id", "position")
        )

    @cached_property
    def approved_minutes(self):
        """Approved minutes by meeting id, with their approved version."""
        return {
            minutes.meeting_id: minutes
            for minutes in Minutes.objects.filter(
                meeting_id__in=self.meeting_ids, approved_version__isnull=False
            ).select_related("approved_version")
        }

    @cached_property
    def action_items(self):
        """Actions decided at the period's meetings, plus those decided earlier that are
        still open or were closed during the period."""
        still_open = [ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS]
        return list(
            ActionItem.objects.filter(
                Q(meeting_id__in=self.meeting_ids)
                | Q(meeting__start__lt=self.period_start_at)
                & (
                    Q(status__in=still_open)
                    | Q(closed_at__gte=self.period_start_at, closed_at__lt=self.period_end_at)
                )
            )
            .select_related("meeting", "owner_country", "owner_organisation")
            .order_by("meeting__start", "due_date", "pk")
        )


def party(country=None, organisation=None):
    """A country's name, or an agency's short name (Europol, CEPOL), or ""."""
    if country is not None:
        return country.name
    if organisation is not None:
        return organisation.short_name or organisation.name
    return ""


def _attendance_record(registration):
    # The reverse one-to-one's "does not exist" error is also an AttributeError.
    return getattr(registration, "attendance_record", None)


# --- Meetings' own sections -----------------------------------------------------------------


def build_introduction(context):
    term = presidency_on(context.period_start)
    held = len(context.meetings)
    parts = [
        (
            "<p>In their conclusions of 7 October 2019 on establishing a European network of "
            "Heads of SPOC for international law enforcement information exchange, the Council "
            "invited the Member States and the Schengen Associated Countries to establish a "
            "network of Heads of SPOC, meeting at least twice a year on the invitation of the "
            "Presidency of the Council, and requested that the DAPIX working party be informed "
            "about the activities of the network on a regular basis. This report is submitted "
            "to that end.</p>"
        ),
        format_html(
            "<p>This report covers the period from {} to {}{}. During the period the network "
            "held {}.</p>",
            day(context.period_start),
            day(context.period_end),
            f", under the Presidency of {term.country.name}" if term else "",
            _count(held, "meeting", "meetings"),
        ),
    ]
    return "".join(parts)


def _count(number, singular, plural):
    if number == 0:
        return f"no {plural}"
    return f"{number} {singular if number == 1 else plural}"


def build_meetings(context):
    if not context.meetings:
        return "<p>No meeting of the network was held in this period.</p>"
    items = format_html_join(
        "",
        "<li><strong>{}</strong>, {}{}{}</li>",
        (
            (
                meeting.title,
                meeting_dates(meeting),
                f", {meeting.venue}" if meeting.venue else " (online)",
                f"; hosted by the Presidency of {meeting.presidency.country.name}"
                if meeting.presidency_id
                else "",
            )
            for meeting in context.meetings
        ),
    )
    return format_html("<ul>{}</ul>", items)


def _attendance_table(caption, label, rows):
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (row["name"], len(row["meetings"]), row["delegates"], row["in_person"], row["remote"])
            for row in rows
        ),
    )
    return format_html(
        '<table><caption>{}</caption><thead><tr><th scope="col">{}</th>'
        '<th scope="col">Meetings attended</th><th scope="col">Delegates</th>'
        '<th scope="col">In person</th><th scope="col">Remote</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        caption,
        label,
        body,
    )


def build_attendance(context):
    if not context.meetings:
        return ""
    data = context.attendance
    parts = []
    if data["countries"]:
        parts.append(_attendance_table("Attendance by country", "Country", data["countries"]))
        present = {row["name"] for row in data["countries"]}
        absent = [country.name for country in context.countries if country.name not in present]
        if absent:
            parts.append(
                format_html("<p>Not represented in the period: {}.</p>", ", ".join(absent))
            )
    else:
        parts.append("<p>No country's attendance is on record for the period.</p>")
    if data["agencies"]:
        parts.append(
            _attendance_table(
                "Attendance by EU agency and international organisation",
                "Agency",
                data["agencies"],
            )
        )
    if data["estimated"]:
        parts.append(
            format_html(
                "<p>No attendance was recorded for {}: the confirmed registrations are counted "
                "instead.</p>",
                ", ".join(
                    f"{meeting.title} ({meeting_dates(meeting)})" for meeting in data["estimated"]
                ),
            )
        )
    return "".join(str(part) for part in parts)


def build_topics(context):
    if not context.agenda_items:
        return ""
    by_kind = defaultdict(list)
    for item in context.agenda_items:
        by_kind[item.kind].append(item)
    parts = []
    for kind in TopicKind:
        items = by_kind.get(kind.value)
        if not items:
            continue
        entries = format_html_join(
            "",
            "<li>{} <em>({}{})</em></li>",
            (
                (
                    item.title,
                    context.meetings_by_id[item.meeting_id].title,
                    f"; presented by {party(item.presenter_country, item.presenter_organisation)}"
                    if (item.presenter_country_id or item.presenter_organisation_id)
                    else "",
                )
                for item in items
            ),
        )
        parts.append(format_html("<h3>{}</h3><ul>{}</ul>", kind.label, entries))
    return "".join(str(part) for part in parts)


def _as_html(text):
    text = (text or "").strip()
    if text and "<" not in text:
        return sanitize_report_html(text)
    return text


def build_conclusions(context):
    if not context.meetings:
        return ""
    parts = []
    pending = []
    for meeting in context.meetings:
        minutes = context.approved_minutes.get(meeting.pk)
        conclusions = _as_html(minutes.approved_version.conclusions) if minutes else ""
        if minutes is None:
            pending.append(meeting)
            continue
        parts.append(
            format_html("<h3>{} ({})</h3>", meeting.title, meeting_dates(meeting))
            + (conclusions or "<p>The approved minutes record no conclusions.</p>")
        )
    if pending:
        parts.append(
            format_html(
                "<p>The minutes of {} are not approved yet; their conclusions will be reported "
                "once they are.</p>",
                ", ".join(f"{meeting.title} ({meeting_dates(meeting)})" for meeting in pending),
            )
        )
    return "".join(str(part) for part in parts)


def build_actions(context):
    items = context.action_items
    if not items:
        return ""
    decided = [item for item in items if item.meeting_id in context.meetings_by_id]
    counts = defaultdict(int)
    for item in decided:
        counts[item.status] += 1
    summary = ", ".join(
        f"{counts[status.value]} {status.label.lower()}"
        for status in ActionItem.Status
        if counts[status.value]
    )
    parts = [
        format_html(
            "<p>{} decided in the period{}; {} carried over from earlier meetings.</p>",
            _count(len(decided), "action was", "actions were").capitalize(),
            f" ({summary})" if summary else "",
            _count(len(items) - len(decided), "action", "actions"),
        )
    ]
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                item.title,
                f"{item.meeting.title} ({day(item.meeting.local_start.date())})",
                party(item.owner_country, item.owner_organisation),
                day(item.due_date) if item.due_date else "—",
                item.get_status_display(),
            )
            for item in items
        ),
    )
    parts.append(
        format_html(
            "<table><caption>Action items (status on {})</caption><thead><tr>"
            '<th scope="col">Action</th><th scope="col">Decided at</th>'
            '<th scope="col">Owner</th><th scope="col">Due</th><th scope="col">Status</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            day(timezone.localdate(context.now)),
            rows,
        )
    )
    return "".join(str(part) for part in parts)


SECTIONS = [
    ReportSectionType("introduction", "Introduction", 10, build_introduction),
    ReportSectionType("meetings", "Meetings held", 20, build_meetings),
    ReportSectionType("attendance", "Attendance", 30, build_attendance),
    ReportSectionType("topics", "Agenda topics", 40, build_topics),
    ReportSectionType("conclusions", "Conclusions", 50, build_conclusions),
    ReportSectionType("actions", "Action items and their status", 60, build_actions),
]


# --- The draft ------------------------------------------------------------------------------


def default_period(today=None):
    """The current Presidency semester; outside the rota, the current calendar half-year.
    Returns (start, end, term or None)."""
    today = today or timezone.localdate()
    term = presidency_on(today)
    if term is not None:
        return term.starts_on, term.ends_on, term
    if today.month <= 6:
        return datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30), None
    return datetime.date(today.year, 7, 1), datetime.date(today.year, 12, 31), None


def section_html(section_type, context):
    return sanitize_report_html(section_type.builder(context)) or NOTHING_TO_REPORT


def activity_report_draft(*, period_start, period_end, now=None):
    """The report's sections built from the stored data, in order: a list of
    {"key", "heading", "html"} with sanitised HTML."""
    if period_end < period_start:
        raise ValueError("The period must end on or after its start.")
    context = ReportContext(period_start=period_start, period_end=period_end)
    if now is not None:
        context.now = now
    return [
        {"key": section.key, "heading": section.heading, "html": section_html(section, context)}
        for section in report_section_types()
    ]
