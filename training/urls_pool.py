"""URLs of the trainer pool and of the delivery of sessions (attendance, evaluations,
certificates), added to training.urls (same `training:` namespace)."""

from django.urls import path

from training import views_pool

urlpatterns = [
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
]

from training import views_delivery  # noqa: E402

urlpatterns += [
    path("sessions/<int:session_id>/attendance/", views_delivery.attendance, name="attendance"),
]

urlpatterns += [
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
]

urlpatterns += [
    path("certificates/verify/", views_delivery.certificate_verify, name="certificate_verify"),
    path(
        "certificates/<int:nomination_id>/certificate.pdf",
        views_delivery.certificate_pdf,
        name="certificate_pdf",
    ),
]
