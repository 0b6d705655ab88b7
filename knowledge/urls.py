from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path(
        "knowledge/factsheets/<int:page_id>/changes/",
        views.fact_sheet_changes,
        name="fact_sheet_changes",
    ),
    path(
        "knowledge/factsheets/<int:page_id>/reviewed/",
        views.fact_sheet_reviewed,
        name="fact_sheet_reviewed",
    ),
]
