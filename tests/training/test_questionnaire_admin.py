"""Evaluation questionnaires in the admin: a question participants have answered cannot be
deleted; the edit form says so (no error page, nothing saved); an unanswered question is
deleted as usual."""

import pytest
import time_machine
from bs4 import BeautifulSoup

from tests.training.delivery import AFTER, confirm, network_session, tasks_at_once
from training import services_evaluations
from training.models import EvaluationAnswer, Question, Questionnaire

pytestmark = pytest.mark.django_db


def edit_url(questionnaire):
    return f"/admin/training/questionnaires/edit/{questionnaire.pk}/"


def form_data(html, action):
    """The edit form's fields as the browser would send them."""
    form = BeautifulSoup(html, "html.parser").select_one(f'form[action="{action}"]')
    data = {}
    for field in form.select("input, textarea, select"):
        name = field.get("name")
        if not name:
            continue
        kind = field.get("type", "")
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[name] = chosen.get("value", "") if chosen else ""
        elif kind in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif kind not in ("submit", "button"):
            data[name] = field.get("value", "")
    return data


def index_of(data, question):
    return next(
        key.split("-")[1]
        for key, value in data.items()
        if key.startswith("questions-") and key.endswith("-id") and value == str(question.pk)
    )


@pytest.fixture
def answered(trainer, head_be, monkeypatch):
    """The session questionnaire, whose first Likert question a participant answered."""
    tasks_at_once(monkeypatch)
    session = network_session(trainer)
    (nomination,) = confirm(session, trainer, head_be)
    questionnaire = Questionnaire.current("session")
    answers = {
        question.pk: 4 if question.is_likert else "Fine."
        for question in questionnaire.questions.all()
        if question.required
    }
    with time_machine.travel(AFTER, tick=False):
        services_evaluations.evaluation_submit(
            actor=nomination.nominee, nomination=nomination, kind="session", answers=answers
        )
    return questionnaire


def test_an_answered_question_is_not_deleted_and_the_form_says_why(client, admin, answered):
    question = EvaluationAnswer.objects.filter(response__questionnaire=answered).first().question
    with time_machine.travel(AFTER, tick=False):
        client.force_login(admin)
        page = client.get(edit_url(answered))
        assert page.status_code == 200
        data = form_data(page.content.decode(), edit_url(answered))
        data[f"questions-{index_of(data, question)}-DELETE"] = "1"
        response = client.post(edit_url(answered), data, follow=True)
    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)
    assert f"The question “{question.text}” has answers and cannot be deleted." in text
    assert "untick “active” on this questionnaire and write a new one" in text
    assert Question.objects.filter(pk=question.pk).exists()


def test_an_unanswered_question_is_deleted(client, admin, answered):
    unanswered = (
        Question.objects.filter(questionnaire=answered, required=False)
        .exclude(answers__isnull=False)
        .first()
    ) or Question.objects.create(questionnaire=answered, text="Anything else?", required=False)
    with time_machine.travel(AFTER, tick=False):
        client.force_login(admin)
        data = form_data(client.get(edit_url(answered)).content.decode(), edit_url(answered))
        data[f"questions-{index_of(data, unanswered)}-DELETE"] = "1"
        response = client.post(edit_url(answered), data)
    assert response.status_code == 302
    assert not Question.objects.filter(pk=unanswered.pk).exists()
    assert Question.objects.filter(questionnaire=answered).exists()
