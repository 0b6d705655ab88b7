from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/<int:meeting_id>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("meetings/<int:meeting_id>/delegates/", views.delegate_add, name="delegate_add"),
    path(
        "meetings/<int:meeting_id>/delegates/<int:registration_id>/withdraw/",
        views.delegate_withdraw,
        name="delegate_withdraw",
    ),
    path(
        "meetings/<int:meeting_id>/delegates/<int:registration_id>/swap/",
        views.delegate_swap,
        name="delegate_swap",
    ),
    path("meetings/calendar/reset/", views.calendar_token_reset, name="calendar_token_reset"),
    path("feeds/meetings/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]

# --- Date polls, attendance, feedback (m-polls) ---
urlpatterns += [
    path("meetings/<int:meeting_id>/poll/", views.date_poll_open, name="date_poll_open"),
    path("meetings/<int:meeting_id>/poll/answer/", views.date_poll_answer, name="date_poll_answer"),
    path("meetings/<int:meeting_id>/poll/close/", views.date_poll_close, name="date_poll_close"),
    path("meetings/<int:meeting_id>/poll/decide/", views.date_poll_decide, name="date_poll_decide"),
    path(
        "meetings/<int:meeting_id>/attendance/", views.attendance_record, name="attendance_record"
    ),
    path("meetings/<int:meeting_id>/feedback/", views.feedback_give, name="feedback_give"),
    path("meetings/<int:meeting_id>/held/", views.meeting_mark_held, name="meeting_mark_held"),
]
