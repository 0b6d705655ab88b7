"""Writes on meetings, one module per concern. Each service is one transaction with
keyword-only arguments; it checks its own permission and raises PermissionDenied (or
ValidationError for bad input).

- `meetings`: create and update meeting pages, year pages, the calendar identity
  (`meeting_calendar_sync`: SEQUENCE raised on every published change of time, place or status);
- `delegations`: registrations, waiting lists, withdrawals, swaps, a raised delegate cap;
- `agenda`: agenda proposals, agenda items, agency invitations;
- `minutes`: minutes versions and their approval, action items;
- `polls`: date polls;
- `itip`: iTIP emails to participants, reminders;
- `followup`: attendance, feedback, marking a meeting held;
- `reports`: the activity report to DAPIX;
- `common`: the row lock and permission checks several of them share.

Pure reads live elsewhere: the calendar digest and iTIP organizer in `meetings.calendar`,
`date_poll_is_open`, `feedback_window` and `minutes_diff` in `meetings.selectors`.

Every public service is re-exported here, so `from meetings import services;
services.meeting_update(...)` and `from meetings.services import meeting_update` both work.
"""

from meetings.services.agenda import (
    AGENDA_ITEM_FIELDS,
    CLOSED_MEETING_STATUSES,
    agency_invitations_sync,
    agenda_item_create,
    agenda_item_delete,
    agenda_item_move,
    agenda_item_update,
    proposal_accept,
    proposal_create,
    proposal_decline,
    proposal_support,
    proposal_withdraw,
)
from meetings.services.delegations import (
    meeting_delegate_cap_change,
    registration_add,
    registration_swap,
    registration_withdraw,
)
from meetings.services.followup import (
    ATTENDANCE_CHOICES,
    attendance_record,
    feedback_give,
    meeting_mark_held,
)
from meetings.services.itip import (
    MEETING_REMINDER_BEFORE,
    NO_REMINDER_STATUSES,
    REGISTRATION_REMINDER_BEFORE,
    itip_invite_registration,
    itip_send,
    itip_sequence_record,
    itip_update_participants,
    itip_withdraw,
    reminders_send,
)
from meetings.services.meetings import (
    EDITABLE_FIELDS,
    meeting_calendar_sync,
    meeting_create,
    meeting_update,
    meeting_year_page,
)
from meetings.services.minutes import (
    ACTION_CLOSED,
    StaleMinutesError,
    action_item_create,
    action_item_set_status,
    minutes_approve,
    minutes_save,
)
from meetings.services.polls import (
    date_poll_answer,
    date_poll_close,
    date_poll_decide,
    date_poll_open,
)
from meetings.services.reports import (
    activity_report_approve,
    activity_report_create,
    activity_report_delete,
    activity_report_regenerate_section,
    activity_report_section_update,
    activity_report_title,
)

__all__ = [
    "ACTION_CLOSED",
    "AGENDA_ITEM_FIELDS",
    "ATTENDANCE_CHOICES",
    "CLOSED_MEETING_STATUSES",
    "EDITABLE_FIELDS",
    "MEETING_REMINDER_BEFORE",
    "NO_REMINDER_STATUSES",
    "REGISTRATION_REMINDER_BEFORE",
    "StaleMinutesError",
    "action_item_create",
    "action_item_set_status",
    "activity_report_approve",
    "activity_report_create",
    "activity_report_delete",
    "activity_report_regenerate_section",
    "activity_report_section_update",
    "activity_report_title",
    "agency_invitations_sync",
    "agenda_item_create",
    "agenda_item_delete",
    "agenda_item_move",
    "agenda_item_update",
    "attendance_record",
    "date_poll_answer",
    "date_poll_close",
    "date_poll_decide",
    "date_poll_open",
    "feedback_give",
    "itip_invite_registration",
    "itip_send",
    "itip_sequence_record",
    "itip_update_participants",
    "itip_withdraw",
    "meeting_calendar_sync",
    "meeting_create",
    "meeting_delegate_cap_change",
    "meeting_mark_held",
    "meeting_update",
    "meeting_year_page",
    "minutes_approve",
    "minutes_save",
    "proposal_accept",
    "proposal_create",
    "proposal_decline",
    "proposal_support",
    "proposal_withdraw",
    "registration_add",
    "registration_swap",
    "registration_withdraw",
    "reminders_send",
]
