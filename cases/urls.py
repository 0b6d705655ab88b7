from django.urls import path

from cases import views, views_reports

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("lookup/", views.case_lookup, name="case_lookup"),
    path("export.csv", views_reports.cases_csv, name="cases_csv"),
    path("statistics/", views_reports.statistics, name="statistics"),
    path("statistics.csv", views_reports.statistics_csv, name="statistics_csv"),
    path("statistics.pdf", views_reports.statistics_pdf, name="statistics_pdf"),
    path("statistics/network/", views_reports.statistics_network, name="statistics_network"),
    path("audit/", views_reports.audit_log, name="audit_log"),
    path("audit.csv", views_reports.audit_csv, name="audit_csv"),
    path("review/", views.review_list, name="review_list"),
    path("settings/", views.case_settings, name="case_settings"),
    path("<int:case_id>/answer/approve/", views.reply_approve, name="reply_approve"),
    path("<int:case_id>/review/extend/", views.review_extend, name="review_extend"),
    path("<int:case_id>/erase/", views.case_erase, name="case_erase"),
    path("<int:case_id>/", views.case_detail, name="case_detail"),
    path("<int:case_id>/status/", views.case_transition, name="case_transition"),
    path("<int:case_id>/answer/", views.case_answer, name="case_answer"),
    path("<int:case_id>/refuse/", views.case_refuse, name="case_refuse"),
    path("<int:case_id>/pause/", views.pause_start, name="pause_start"),
    path("<int:case_id>/pause/end/", views.pause_end, name="pause_end"),
    path("<int:case_id>/assign/", views.case_assign, name="case_assign"),
    path("<int:case_id>/notes/", views.case_note, name="case_note"),
    path("<int:case_id>/links/", views.case_link, name="case_link"),
    path("<int:case_id>/hits/<int:hit_id>/", views.hit_decide, name="hit_decide"),
    path("<int:case_id>/documents/", views.document_upload, name="document_upload"),
    path(
        "<int:case_id>/documents/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
]
