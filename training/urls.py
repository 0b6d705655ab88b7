"""URLs of the training module (`training:` namespace), included under /training/ from
portal/urls.py (before Wagtail's page URLs): needs analysis, courses, sessions and the plan,
nominations, delegates (training.views), the trainer pool (training.views_pool), attendance,
evaluations and certificates (training.views_delivery). Export URL names end in _pdf
(rate-limited with the other exports) or _csv."""

from django.urls import path

from training import views, views_delivery, views_pool

app_name = "training"

urlpatterns = [
    path("", views.training_home, name="home"),
    # Training needs analysis
    path("needs/", views.needs_round_list, name="needs_round_list"),
    path("needs/new/", views.needs_round_create, name="needs_round_create"),
    path("needs/<int:round_id>/", views.needs_round_detail, name="needs_round_detail"),
    path("needs/<int:round_id>/edit/", views.needs_round_edit, name="needs_round_edit"),
    path("needs/<int:round_id>/open/", views.needs_round_open, name="needs_round_open"),
    path("needs/<int:round_id>/close/", views.needs_round_close, name="needs_round_close"),
    path("needs/<int:round_id>/answers/", views.needs_answers_save, name="needs_answers_save"),
    path("needs/<int:round_id>/matrix.csv", views.needs_matrix_csv, name="needs_matrix_csv"),
    path("needs/<int:round_id>/answers.csv", views.needs_answers_csv, name="needs_answers_csv"),
    path("needs/<int:round_id>/matrix.pdf", views.needs_matrix_pdf, name="needs_matrix_pdf"),
    # Courses, sessions and the annual plan
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:course_id>/", views.course_detail, name="course_detail"),
    path("courses/<int:course_id>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:course_id>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:session_id>/session.ics", views.session_ics, name="session_ics"),
    # Nominations
    path(
        "sessions/<int:session_id>/nominations/request/",
        views.nomination_request,
        name="nomination_request",
    ),
    path(
        "sessions/<int:session_id>/nominations/new/",
        views.nomination_create,
        name="nomination_create",
    ),
    path("nominations/", views.nominations_list, name="nominations_list"),
    path("nominations/<int:nomination_id>/", views.nomination_detail, name="nomination_detail"),
    path(
        "nominations/<int:nomination_id>/replace/",
        views.nomination_replace,
        name="nomination_replace",
    ),
    path(
        "nominations/<int:nomination_id>/<slug:action>/",
        views.nomination_action,
        name="nomination_action",
    ),
    path("plan/", views.plan_index, name="plan_index"),
    path("plan/<int:year>/", views.plan_year, name="plan_year"),
    path("plan/<int:year>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("plan/<int:year>/plan.ics", views.plan_ics, name="plan_ics"),
    path("feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # Country delegates
    path("delegates/", views.delegates, name="delegates"),
    path("delegates/<int:delegate_id>/remove/", views.delegate_remove, name="delegate_remove"),
    # The trainer pool
    path("trainers/", views_pool.trainer_list, name="trainer_list"),
    path("trainers/propose/", views_pool.trainer_propose, name="trainer_propose"),
    path("trainers/<int:trainer_id>/", views_pool.trainer_detail, name="trainer_detail"),
    # Before the vetting actions, whose <slug:action> would take "edit".
    path("trainers/<int:trainer_id>/edit/", views_pool.trainer_edit, name="trainer_edit"),
    path(
        "trainers/<int:trainer_id>/<slug:action>/",
        views_pool.trainer_vetting,
        name="trainer_vetting",
    ),
    path(
        "sessions/<int:session_id>/trainers/",
        views_pool.session_trainers,
        name="session_trainers",
    ),
    # Attendance, evaluations and certificates
    path("sessions/<int:session_id>/attendance/", views_delivery.attendance, name="attendance"),
    path("evaluations/", views_delivery.evaluation_list, name="evaluation_list"),
    path(
        "evaluations/<int:nomination_id>/<slug:kind>/",
        views_delivery.evaluation_answer,
        name="evaluation_answer",
    ),
    path(
        "sessions/<int:session_id>/evaluation/",
        views_delivery.session_evaluation_results,
        name="session_evaluation_results",
    ),
    path(
        "courses/<int:course_id>/evaluation/",
        views_delivery.course_evaluation_results,
        name="course_evaluation_results",
    ),
    path("certificates/verify/", views_delivery.certificate_verify, name="certificate_verify"),
    path(
        "certificates/<int:nomination_id>/certificate.pdf",
        views_delivery.certificate_pdf,
        name="certificate_pdf",
    ),
]
