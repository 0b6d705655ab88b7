"""URLs of the knowledge base, included under /knowledge/ from portal/urls.py (before
Wagtail's page URLs, so /knowledge/compare/ is never taken for a page).

Two namespaces: `knowledge:` for a fact sheet's changes and review (knowledge.views) and
`knowledge_tools:` for the reader tools, comparison, quick answer and PDF exports
(knowledge.views_tools)."""

from django.urls import include, path

from knowledge import views, views_tools

fact_sheet_patterns = [
    path("factsheets/<int:page_id>/changes/", views.fact_sheet_changes, name="fact_sheet_changes"),
    path(
        "factsheets/<int:page_id>/reviewed/", views.fact_sheet_reviewed, name="fact_sheet_reviewed"
    ),
]

tool_patterns = [
    path("compare/", views_tools.compare_view, name="compare"),
    path("compare/export.pdf", views_tools.compare_pdf, name="compare_pdf"),
    path("quick-answer/", views_tools.quick_answer_view, name="quick_answer"),
    path("countries/<str:code>/export.pdf", views_tools.country_pdf, name="country_pdf"),
]

urlpatterns = [
    path("", include((tool_patterns, "knowledge_tools"))),
    path("", include((fact_sheet_patterns, "knowledge"))),
]
