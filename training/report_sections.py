"""The training section of the activity report to DAPIX (see meetings.report): the sessions
held in the report's period and their participants per country.

`sections()` is returned by the training app's `register_report_section` hook (meetings never
imports training).
The data comes from `training.summaries.sessions_held` (two queries, whatever the number of
sessions): sessions not cancelled whose first day is in the period and which have started by
the time the report is drafted; participants are the confirmed nominations, counted, never
named (the report is the network's document).

Hook point for the evaluation step: once evaluations exist, their averages per session go
into `sessions_held` (one more query) and `build_training` adds a column "Evaluation (mean)"
to the sessions table and a paragraph with the overall mean; while there is no evaluation
data the section says nothing about evaluations."""

from django.utils.html import format_html, format_html_join


def build_training(context):
    from meetings.report import meeting_dates
    from training.summaries import sessions_held

    held = sessions_held(
        period_start=context.period_start, period_end=context.period_end, now=context.now
    )
    if not held.sessions:
        return ""
    sessions = held.sessions
    count, total, countries = len(sessions), held.total, len(held.participants)
    parts = [
        format_html(
            "<p>{} held in the period, with {} from {}.</p>",
            "1 training session was" if count == 1 else f"{count} training sessions were",
            "1 confirmed participant" if total == 1 else f"{total} confirmed participants",
            "1 country" if countries == 1 else f"{countries} countries",
        )
    ]
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                session.course.title,
                session.course.cepol_code or "—",
                meeting_dates(session),
                session.course.organiser_label,
                session.location_label,
                session.participants,
            )
            for session in sessions
        ),
    )
    parts.append(
        format_html(
            "<table><caption>Training sessions held</caption><thead><tr>"
            '<th scope="col">Course</th><th scope="col">CEPOL code</th>'
            '<th scope="col">Dates</th><th scope="col">Organiser</th>'
            '<th scope="col">Venue</th><th scope="col">Participants</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            rows,
        )
    )
    if held.participants:
        by_country = format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", held.participants)
        parts.append(
            format_html(
                "<table><caption>Training participants by country</caption><thead><tr>"
                '<th scope="col">Country</th><th scope="col">Participants</th>'
                "</tr></thead><tbody>{}</tbody><tfoot><tr><td>Total</td><td>{}</td></tr>"
                "</tfoot></table>",
                by_country,
                held.total,
            )
        )
    return "".join(str(part) for part in parts)


def sections():
    """The training section type (the training app's `register_report_section` hook)."""
    from meetings.report import ReportSectionType

    return [ReportSectionType("training", "Training", 65, build_training)]
