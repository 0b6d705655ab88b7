"""The meetings app's models, one module per part of a meeting's life."""

from meetings.models.agenda import (
    ActionItem,
    AgencyInvitation,
    AgendaItem,
    AgendaProposal,
    ProposalSupport,
    TopicKind,
)
from meetings.models.followup import (
    Attendance,
    CalendarMessageSent,
    Feedback,
    ReminderSent,
    SentCalendarMessage,
)
from meetings.models.minutes import Minutes, MinutesVersion
from meetings.models.pages import (
    ICAL_UID_DOMAIN,
    MeetingDocument,
    MeetingIndexPage,
    MeetingPage,
    MeetingPageForm,
    MeetingYearPage,
    Registration,
    new_ical_uid,
    time_zone_names,
    validate_time_zone,
)
from meetings.models.polls import DatePoll, DatePollAnswer, DatePollOption
from meetings.models.report import ActivityReport, ActivityReportSection

__all__ = [
    "ICAL_UID_DOMAIN",
    "ActionItem",
    "ActivityReport",
    "ActivityReportSection",
    "AgencyInvitation",
    "AgendaItem",
    "AgendaProposal",
    "Attendance",
    "CalendarMessageSent",
    "DatePoll",
    "DatePollAnswer",
    "DatePollOption",
    "Feedback",
    "MeetingDocument",
    "MeetingIndexPage",
    "MeetingPage",
    "MeetingPageForm",
    "MeetingYearPage",
    "Minutes",
    "MinutesVersion",
    "ProposalSupport",
    "Registration",
    "ReminderSent",
    "SentCalendarMessage",
    "TopicKind",
    "new_ical_uid",
    "time_zone_names",
    "validate_time_zone",
]
