from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/<int:meeting_id>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("meetings/calendar/reset/", views.calendar_token_reset, name="calendar_token_reset"),
    path("feeds/meetings/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
