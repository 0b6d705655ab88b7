"""The trainer pool in site search, as a source of its own (search.sources), the way
knowledge/search.py registers its pages: vetted trainers only, for every member; the country
facet is the trainer's country (`search_country`), the topic facet their first topic
(`search_topic`; every topic's name and every language's name are searchable text, so
"SIENA French" finds a trainer teaching SIENA in French)."""

from search.sources import search_source
from training import selectors_pool
from training.models import Trainer


def sources():
    """The trainer pool's search source (the training app's `register_search_source` hook)."""
    return search_source(
        Trainer,
        queryset=selectors_pool.trainers_for_search,
        title=lambda trainer: f"{trainer.full_name} (trainer, {trainer.organisation})",
    )
