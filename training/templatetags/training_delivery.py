"""The session page's sections of the later steps (trainers, attendance, evaluation,
certificate), as one inclusion tag so that training.views stays as it is: a fixed number of
queries, whatever the number of nominations."""

from django import template

from training import permissions_pool, selectors_pool
from training.models import EvaluationKind, Nomination
from training.selectors_delivery import is_attendee
from training.services_evaluations import is_open

register = template.Library()


@register.inclusion_tag("training/includes/session_delivery.html", takes_context=True)
def session_delivery(context, session):
    user = context["request"].user
    own = context.get("own_nomination")
    confirmed = own is not None and own.status == Nomination.Status.CONFIRMED
    return {
        "own_confirmed": own if confirmed else None,
        "evaluation_open": confirmed and is_open(session, EvaluationKind.SESSION),
        "certificate_ready": confirmed
        and is_open(session, EvaluationKind.SESSION)
        and is_attendee(own),
        "can_see_results": permissions_pool.can_see_evaluation_results(user, session.course),
        "session": session,
        "trainers": [link.trainer for link in selectors_pool.session_trainers(session)],
        "can_assign": permissions_pool.can_assign_trainers(user, session)
        and not session.is_cancelled,
        "can_record_attendance": permissions_pool.can_record_attendance(user, session)
        and not session.is_cancelled,
    }
