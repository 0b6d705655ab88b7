"""The activity report to DAPIX: drafted from the stored data (meetings.report), edited per
section, approved by a second person, then locked.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from meetings import permissions
from meetings.models import (
    ActivityReport,
    ActivityReportSection,
)
from meetings.report import (
    ReportContext,
    activity_report_draft,
    day,
    default_period,
    report_section_type,
    sanitize_report_html,
    section_html,
)
from meetings.selectors import activity_report_written_by
from portal.reference import presidency_on

if TYPE_CHECKING:
    from portal.models import PresidencyTerm, User

# The Presidency drafts the report to DAPIX from the stored data (meetings.report), edits its
# sections, and an approver approves it. Like Presidency updates, editing and approving are
# split: the approver must hold the presidency_approver role (or be an administrator) and may
# not be the person who created the report (four eyes). An approved report is locked.


def _report_editor_or_deny(actor):
    if not permissions.can_edit_activity_reports(actor):
        raise PermissionDenied("Only the Presidency drafts the activity report.")


def _report_locked(report):
    """The report row, locked until the transaction ends; refuses approved reports."""
    report = ActivityReport.objects.select_for_update().get(pk=report.pk)
    if report.is_approved:
        approved_on = timezone.localtime(report.approved_at)
        raise ValidationError(
            f"This report was approved on {approved_on:%-d %B %Y} and can no longer be changed."
        )
    return report


def activity_report_title(
    *,
    period_start: datetime.date,
    period_end: datetime.date,
    presidency: PresidencyTerm | None = None,
) -> str:

    if presidency is not None and (presidency.starts_on, presidency.ends_on) == (
        period_start,
        period_end,
    ):
        half = "first" if period_start.month <= 6 else "second"
        return (
            f"Activity report of the network of Heads of SPOC to the DAPIX working party, "
            f"{half} half of {period_start.year} (Presidency of {presidency.country.name})"
        )
    return (
        "Activity report of the network of Heads of SPOC to the DAPIX working party, "
        f"{day(period_start)} to {day(period_end)}"
    )


@transaction.atomic
def activity_report_create(
    *,
    actor: User,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> ActivityReport:
    """Create the draft report for a period (default: the current Presidency semester), its
    sections built from the stored data. One report per period."""

    _report_editor_or_deny(actor)
    now = now or timezone.now()
    if period_start is None and period_end is None:
        period_start, period_end, _ = default_period(timezone.localdate(now))
    if period_start is None or period_end is None:
        raise ValidationError("Give both the first and the last day of the period.")
    if period_end < period_start:
        raise ValidationError({"period_end": "The period must end on or after its first day."})
    existing = ActivityReport.objects.filter(
        period_start=period_start, period_end=period_end
    ).first()
    if existing is not None:
        raise ValidationError(f"A report for this period already exists: {existing.title}.")
    presidency = presidency_on(period_start)
    try:
        with transaction.atomic():
            report = ActivityReport.objects.create(
                title=activity_report_title(
                    period_start=period_start, period_end=period_end, presidency=presidency
                ),
                period_start=period_start,
                period_end=period_end,
                presidency=presidency,
                created_by=actor,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError as error:  # the same period created at the same moment
        raise ValidationError("A report for this period already exists.") from error
    sections = activity_report_draft(period_start=period_start, period_end=period_end, now=now)
    ActivityReportSection.objects.bulk_create(
        ActivityReportSection(
            report=report,
            position=position,
            key=section["key"],
            heading=section["heading"],
            body=section["html"],
            updated_by=actor,
            updated_at=now,
        )
        for position, section in enumerate(sections, start=1)
    )
    report.editors.add(actor)
    return report


def _section_for_edit(report, key, version):
    section = ActivityReportSection.objects.filter(report=report, key=key).first()
    if section is None:
        raise ValidationError(f"The report has no section {key!r}.")
    try:
        version = int(version)
    except (TypeError, ValueError) as error:
        raise ValidationError("The section's version is missing; reload the page.") from error
    if section.version != version:
        who = section.updated_by or "someone"
        when = timezone.localtime(section.updated_at)
        raise ValidationError(
            f"“{section.heading}” was changed by {who} on {when:%-d %B %Y at %H:%M} since you "
            "opened it. Reload the page to see the current text, then make your change again."
        )
    return section


def _section_save(report, section, *, actor, body, now):
    updated = ActivityReportSection.objects.filter(pk=section.pk, version=section.version).update(
        body=body, version=F("version") + 1, updated_by=actor, updated_at=now
    )
    if updated != 1:  # pragma: no cover - the report lock makes this unreachable
        raise ValidationError("The section changed meanwhile; reload the page.")
    ActivityReport.objects.filter(pk=report.pk).update(updated_at=now)
    report.editors.add(actor)
    section.refresh_from_db()
    return section


@transaction.atomic
def activity_report_section_update(
    *,
    actor: User,
    report: ActivityReport,
    key: str,
    body: str,
    version: int,
    now: datetime.datetime | None = None,
) -> ActivityReportSection:
    """Save a section's text (sanitised HTML). `version` is the one the editor started
    from: when the section was saved since, the edit is refused (nothing is overwritten)."""

    _report_editor_or_deny(actor)
    report = _report_locked(report)
    section = _section_for_edit(report, key, version)
    return _section_save(
        report,
        section,
        actor=actor,
        body=sanitize_report_html(body),
        now=now or timezone.now(),
    )


@transaction.atomic
def activity_report_regenerate_section(
    *,
    actor: User,
    report: ActivityReport,
    key: str,
    version: int,
    now: datetime.datetime | None = None,
) -> ActivityReportSection:
    """Build a section again from the current data, replacing its text (same locking)."""

    _report_editor_or_deny(actor)
    report = _report_locked(report)
    section = _section_for_edit(report, key, version)
    section_type = report_section_type(key)
    if section_type is None:
        raise ValidationError(f"“{section.heading}” cannot be built from the data any more.")
    now = now or timezone.now()
    context = ReportContext(period_start=report.period_start, period_end=report.period_end, now=now)
    return _section_save(
        report, section, actor=actor, body=section_html(section_type, context), now=now
    )


@transaction.atomic
def activity_report_approve(
    *, actor: User, report: ActivityReport, now: datetime.datetime | None = None
) -> ActivityReport:
    """Approve the report and lock it. An approver (or administrator) who neither created it
    nor edited any of its sections."""
    if not permissions.can_approve_activity_reports(actor):
        raise PermissionDenied("Only a Presidency approver approves the activity report.")
    report = _report_locked(report)
    if activity_report_written_by(report, actor):
        raise PermissionDenied(
            "You created or edited this report: another approver approves it (four-eyes principle)."
        )
    now = now or timezone.now()
    report.status = ActivityReport.Status.APPROVED
    report.approved_by = actor
    report.approved_at = now
    report.updated_at = now
    report.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    return report


@transaction.atomic
def activity_report_delete(*, actor: User, report: ActivityReport) -> None:
    """Delete a draft report (e.g. built for the wrong period). Approved reports stay."""
    _report_editor_or_deny(actor)
    report = _report_locked(report)
    report.delete()
