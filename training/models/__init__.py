"""The training app's models, one module per part: the managed topic list and the country
contacts (reference), the training needs analysis (needs)."""

from training.models.needs import NeedsAnswer, NeedsResponse, NeedsRound
from training.models.reference import (
    Level,
    Profile,
    TrainingDelegate,
    TrainingTopic,
    Urgency,
)

__all__ = [
    "Level",
    "NeedsAnswer",
    "NeedsResponse",
    "NeedsRound",
    "Profile",
    "TrainingDelegate",
    "TrainingTopic",
    "Urgency",
]
