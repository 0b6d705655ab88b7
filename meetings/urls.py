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
