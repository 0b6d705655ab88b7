"""The training app's models, one module per part: the managed topic list and the country
contacts (reference), the training needs analysis (needs), courses and sessions (courses),
nominations, the trainer pool (pool)."""

from training.models.attendance import Attendance
from training.models.certificates import Certificate
from training.models.courses import Course, Session, SessionQuota, new_ical_uid
from training.models.evaluations import (
    EvaluationAnswer,
    EvaluationInvitation,
    EvaluationKind,
    EvaluationResponse,
    Question,
    Questionnaire,
)
from training.models.needs import NeedsAnswer, NeedsResponse, NeedsRound
from training.models.nominations import Nomination, NominationEvent, TrainingCalendarMessage
from training.models.pool import SessionTrainer, Trainer
from training.models.reference import (
    LANGUAGE_CODES,
    LANGUAGES,
    Level,
    Profile,
    TrainingDelegate,
    TrainingTopic,
    Urgency,
)

__all__ = [
    "Certificate",
    "EvaluationAnswer",
    "EvaluationInvitation",
    "EvaluationKind",
    "EvaluationResponse",
    "Question",
    "Questionnaire",
    "Attendance",
    "LANGUAGES",
    "LANGUAGE_CODES",
    "Course",
    "Session",
    "SessionQuota",
    "new_ical_uid",
    "Level",
    "NeedsAnswer",
    "NeedsResponse",
    "NeedsRound",
    "Nomination",
    "NominationEvent",
    "TrainingCalendarMessage",
    "SessionTrainer",
    "Trainer",
    "Profile",
    "TrainingDelegate",
    "TrainingTopic",
    "Urgency",
]
