"""URLs of the meetings app (`meetings:` namespace), included from portal/urls.py before
Wagtail's page URLs: registrations and delegations, calendar files and feed, the activity
report, agenda proposals and items, minutes, action items, date polls and follow-up."""

from django.urls import path

from meetings import views

app_name = "meetings"

# The prefix of one meeting's URLs.
MEETING = "meetings/<int:meeting_id>"

urlpatterns = [
    path(f"{MEETING}/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path(f"{MEETING}/delegates/", views.delegate_add, name="delegate_add"),
    path(
        f"{MEETING}/delegates/<int:registration_id>/withdraw/",
        views.delegate_withdraw,
        name="delegate_withdraw",
    ),
    path(
        f"{MEETING}/delegates/<int:registration_id>/swap/",
        views.delegate_swap,
        name="delegate_swap",
    ),
    path("meetings/calendar/reset/", views.calendar_token_reset, name="calendar_token_reset"),
    path("feeds/meetings/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # Activity report to DAPIX
    path("meetings/reports/", views.report_list, name="report_list"),
    path("meetings/reports/new/", views.report_create, name="report_create"),
    path("meetings/reports/<int:report_id>/", views.report_detail, name="report_detail"),
    path(
        "meetings/reports/<int:report_id>/sections/<slug:key>/",
        views.report_section_update,
        name="report_section_update",
    ),
    path(
        "meetings/reports/<int:report_id>/sections/<slug:key>/regenerate/",
        views.report_section_regenerate,
        name="report_section_regenerate",
    ),
    path("meetings/reports/<int:report_id>/approve/", views.report_approve, name="report_approve"),
    path("meetings/reports/<int:report_id>/delete/", views.report_delete, name="report_delete"),
    path("meetings/reports/<int:report_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("meetings/reports/<int:report_id>/report.docx", views.report_docx, name="report_docx"),
    # Agenda: proposals, agenda items, minutes, action items
    path("meetings/actions/", views.actions_list, name="actions_list"),
    path("meetings/actions/<int:action_id>/status/", views.action_status, name="action_status"),
    path(f"{MEETING}/proposals/", views.proposal_add, name="proposal_add"),
    path(
        f"{MEETING}/proposals/<int:proposal_id>/support/",
        views.proposal_support,
        name="proposal_support",
    ),
    path(
        f"{MEETING}/proposals/<int:proposal_id>/withdraw/",
        views.proposal_withdraw,
        name="proposal_withdraw",
    ),
    path(
        f"{MEETING}/proposals/<int:proposal_id>/accept/",
        views.proposal_accept,
        name="proposal_accept",
    ),
    path(
        f"{MEETING}/proposals/<int:proposal_id>/decline/",
        views.proposal_decline,
        name="proposal_decline",
    ),
    path(f"{MEETING}/agenda/", views.agenda_item_add, name="agenda_item_add"),
    path(f"{MEETING}/agenda/<int:item_id>/edit/", views.agenda_item_edit, name="agenda_item_edit"),
    path(
        f"{MEETING}/agenda/<int:item_id>/delete/",
        views.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path(f"{MEETING}/agenda/<int:item_id>/move/", views.agenda_item_move, name="agenda_item_move"),
    path(f"{MEETING}/minutes/", views.minutes_save, name="minutes_save"),
    path(f"{MEETING}/minutes/approve/", views.minutes_approve, name="minutes_approve"),
    path(f"{MEETING}/minutes/history/", views.minutes_history, name="minutes_history"),
    path(f"{MEETING}/actions/", views.action_add, name="action_add"),
    # Date polls, attendance, feedback
    path(f"{MEETING}/poll/", views.date_poll_open, name="date_poll_open"),
    path(f"{MEETING}/poll/answer/", views.date_poll_answer, name="date_poll_answer"),
    path(f"{MEETING}/poll/close/", views.date_poll_close, name="date_poll_close"),
    path(f"{MEETING}/poll/decide/", views.date_poll_decide, name="date_poll_decide"),
    path(f"{MEETING}/attendance/", views.attendance_record, name="attendance_record"),
    path(f"{MEETING}/feedback/", views.feedback_give, name="feedback_give"),
    path(f"{MEETING}/held/", views.meeting_mark_held, name="meeting_mark_held"),
]
