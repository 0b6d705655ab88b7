from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("lookup/", views.case_lookup, name="case_lookup"),
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
]
