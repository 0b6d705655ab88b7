"""Emails of the delivery of sessions (sent from training.tasks_delivery, never inside a web
request): the invitation to answer an evaluation."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from meetings.emails import SUBJECT_PREFIX
from training.models import EvaluationKind

SUBJECTS = {
    EvaluationKind.SESSION: "How was it? {course}",
    EvaluationKind.FOLLOW_UP_3: "Three months on: {course}",
    EvaluationKind.FOLLOW_UP_6: "Six months on: {course}",
}


def evaluation_url(nomination, kind):
    path = reverse("training:evaluation_answer", args=[nomination.pk, kind])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_evaluation_invitation(*, nomination, kind):
    session = nomination.session
    body = render_to_string(
        "training/email/evaluation.txt",
        {
            "recipient": nomination.nominee,
            "course": session.course,
            "session": session,
            "kind": kind,
            "follow_up": kind != EvaluationKind.SESSION,
            "link": evaluation_url(nomination, kind),
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )
    subject = SUBJECTS[kind].format(course=session.course.title)
    EmailMultiAlternatives(
        subject=SUBJECT_PREFIX + subject, body=body, to=[nomination.nominee.email]
    ).send()
