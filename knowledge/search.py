"""Knowledge pages in site search, each as a source of its own so that the country and topic
facets work (`search_country` / `search_topic` FilterFields; see search.sources).
A best practice, obstacle or reference document concerning several countries is faceted
under the lowest ISO code among them (models.KnowledgeItemMixin)."""

from knowledge import selectors
from knowledge.models import BestPracticePage, FactSheetPage, KnowledgeDocumentPage, ObstaclePage
from search.sources import search_source


def sources():
    """The knowledge app's search sources (its `register_search_source` hook)."""
    return [
        search_source(
            FactSheetPage,
            queryset=selectors.fact_sheets_for,
            snippet_prefetch=selectors.FACT_SHEET_SNIPPET_ROWS,
        ),
        search_source(
            BestPracticePage,
            queryset=selectors.best_practices_for,
            snippet_prefetch=selectors.TAGGED_ITEM_SNIPPET_ROWS,
        ),
        search_source(
            ObstaclePage,
            queryset=selectors.obstacles_for,
            snippet_prefetch=selectors.TAGGED_ITEM_SNIPPET_ROWS,
        ),
        search_source(
            KnowledgeDocumentPage,
            queryset=selectors.knowledge_documents_for,
            snippet_prefetch=selectors.ATTACHMENT_SNIPPET_ROWS,
        ),
    ]
