"""Reads on the delivery of sessions (attendance, evaluations, certificates), scoped as
training.permissions_pool says."""

import dataclasses

from django.db.models import Exists, OuterRef

from training.models import Attendance, Nomination
from training.services_delivery import confirmed_participants


@dataclasses.dataclass
class AttendanceRow:
    nomination: Nomination
    cells: list  # [(day, status or "")] in the session's day order

    @property
    def present_days(self):
        return sum(1 for _, status in self.cells if status in Attendance.PRESENT)


def attendance_sheet(session):
    """The confirmed participants x the session's days (two queries, whatever the number)."""
    participants = list(
        confirmed_participants(session).order_by("country__name", "nominee__last_name", "pk")
    )
    records = {
        (record.nomination_id, record.day): record.status
        for record in Attendance.objects.filter(nomination__session=session)
    }
    days = session.days
    return days, [
        AttendanceRow(
            nomination=nomination,
            cells=[(day, records.get((nomination.pk, day), "")) for day in days],
        )
        for nomination in participants
    ]


def attendees(session=None):
    """Confirmed nominations with attended or partly on at least one day: the attendees."""
    present = Attendance.objects.filter(nomination=OuterRef("pk"), status__in=Attendance.PRESENT)
    qs = Nomination.objects.filter(status=Nomination.Status.CONFIRMED).filter(Exists(present))
    if session is not None:
        qs = qs.filter(session=session)
    return qs


def is_attendee(nomination):
    return attendees().filter(pk=nomination.pk).exists()
