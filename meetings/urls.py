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
]
