"""The training section of the activity report to DAPIX (see meetings.report): the sessions
held in the report's period, their participants per country and their evaluation averages.

`sections()` is returned by the training app's `register_report_section` hook (meetings never
imports training).
The data comes from `training.summaries.sessions_held` (two queries, whatever the number of
sessions): sessions not cancelled whose first day is in the period and which have started by
the time the report is drafted. Participants are those who attended (attended or partly on
at least one day, as recorded by the organiser); a session without any attendance recorded
counts its confirmed participants, and the section says for how many sessions it did so.
Evaluation: the mean of the Likert answers (1-5) of each session's evaluation after the
session, and overall. Counted, never named (the report is the network's document)."""

from django.utils.html import format_html, format_html_join


def _mean(value):
    return f"{value:.1f}"


def _session_evaluation(session):
    if session.evaluation_mean is None:
        return "—"
    answers = "1 answer" if session.evaluations == 1 else f"{session.evaluations} answers"
    return f"{_mean(session.evaluation_mean)} ({answers})"


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
            "1 participant" if total == 1 else f"{total} participants",
            "1 country" if countries == 1 else f"{countries} countries",
        )
    ]
    if held.unrecorded:
        parts.append(
            format_html(
                "<p>Participants are those recorded as attending at least part of a session; "
                "{} without attendance records, the confirmed participants are counted.</p>",
                "for 1 session" if held.unrecorded == 1 else f"for {held.unrecorded} sessions",
            )
        )
    else:
        parts.append(
            "<p>Participants are those recorded as attending at least part of a session.</p>"
        )
    if held.evaluation_mean is not None:
        parts.append(
            format_html(
                "<p>Evaluation after the session: a mean score of {} out of 5 ({}).</p>",
                _mean(held.evaluation_mean),
                "1 participant answered"
                if held.evaluation_answers == 1
                else f"{held.evaluation_answers} participants answered",
            )
        )
    else:
        parts.append("<p>No evaluation answers for these sessions yet.</p>")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                session.course.title,
                session.course.cepol_code or "—",
                meeting_dates(session),
                session.course.organiser_label,
                session.location_label,
                session.participants
                if session.attendance_recorded
                else f"{session.participants} (confirmed)",
                _session_evaluation(session),
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
            '<th scope="col">Evaluation (mean)</th>'
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
