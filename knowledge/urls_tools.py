"""URLs of the knowledge base's reader tools (included in portal/urls.py before Wagtail's
page URLs, so /knowledge/compare/ is never taken for a page)."""

from django.urls import path

from knowledge import views_tools

app_name = "knowledge_tools"

urlpatterns = [
    path("knowledge/compare/", views_tools.compare_view, name="compare"),
    path("knowledge/compare/export.pdf", views_tools.compare_pdf, name="compare_pdf"),
    path("knowledge/quick-answer/", views_tools.quick_answer_view, name="quick_answer"),
    path(
        "knowledge/countries/<str:code>/export.pdf",
        views_tools.country_pdf,
        name="country_pdf",
    ),
]
