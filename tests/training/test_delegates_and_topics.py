"""Heads name training delegates of their own country on /training/delegates/; trainers keep
the managed list of topics in the admin (snippets), which nobody deletes from."""

import pytest

from tests.factories import user_in
from tests.helpers import soup_of
from training.models import TrainingDelegate, TrainingTopic

pytestmark = pytest.mark.django_db


def test_a_head_names_and_removes_a_delegate(client, head_be, officer_be):
    german = user_in("DE", "officer")
    client.force_login(head_be)
    page = soup_of(client.get("/training/delegates/"))
    offered = {option.get_text() for option in page.select("#id_user option")}
    assert f"{officer_be} ({officer_be.email})" in offered
    assert not any(german.email in text for text in offered)

    response = client.post("/training/delegates/", {"user": officer_be.pk, "kind": "needs"})
    assert response.status_code == 302
    delegate = TrainingDelegate.objects.get()
    assert (delegate.user, delegate.country.code, delegate.granted_by) == (
        officer_be,
        "BE",
        head_be,
    )
    rows = soup_of(client.get("/training/delegates/")).select("#delegate-list tbody tr")
    assert len(rows) == 1

    # A person of another country cannot be chosen: a form error, not a 500.
    response = client.post("/training/delegates/", {"user": german.pk, "kind": "needs"})
    assert response.status_code == 400
    assert soup_of(response).select(".error-summary li")

    response = client.post(f"/training/delegates/{delegate.pk}/remove/")
    assert response.status_code == 302
    assert not TrainingDelegate.objects.exists()


def test_another_head_cannot_remove_a_delegate(client, head_be, head_de, officer_be):
    client.force_login(head_be)
    client.post("/training/delegates/", {"user": officer_be.pk, "kind": "needs"})
    delegate = TrainingDelegate.objects.get()
    client.force_login(head_de)
    assert client.post(f"/training/delegates/{delegate.pk}/remove/").status_code == 404
    assert TrainingDelegate.objects.exists()


def test_only_heads_manage_delegates(client, officer_be, trainer):
    for user in (officer_be, trainer):
        client.force_login(user)
        assert client.get("/training/delegates/").status_code == 403


def test_a_needs_delegate_gets_the_needs_pages(client, head_be, officer_be, open_round):
    client.force_login(head_be)
    client.post("/training/delegates/", {"user": officer_be.pk, "kind": "needs"})
    client.force_login(officer_be)
    page = soup_of(client.get(f"/training/needs/{open_round.pk}/"))
    assert page.select_one("#own-needs h2").get_text() == "Needs of Belgium"
    assert page.select("#needs-answers")


def test_trainers_add_topics_in_the_admin_but_nobody_deletes_them(client, trainer, admin):
    client.force_login(trainer)
    listing = client.get("/admin/training/topics/")
    assert listing.status_code == 200
    assert "SIENA" in listing.content.decode()
    response = client.post(
        "/admin/training/topics/add/",
        {"name": "Prüm II", "slug": "prum", "description": "", "sort_order": "90", "active": "on"},
    )
    assert response.status_code == 302
    topic = TrainingTopic.objects.get(slug="prum")
    deletion = client.get(f"/admin/training/topics/delete/{topic.pk}/")
    # refused the Wagtail way: back to the admin dashboard (with a "permission denied" message)
    assert (deletion.status_code, deletion["Location"]) == (302, "/admin/")
    client.force_login(admin)
    deletion = client.get(f"/admin/training/topics/delete/{topic.pk}/")
    # refused the Wagtail way: back to the admin dashboard (with a "permission denied" message)
    assert (deletion.status_code, deletion["Location"]) == (302, "/admin/")
    assert TrainingTopic.objects.filter(pk=topic.pk).exists()


def test_heads_do_not_edit_topics(client, head_be):
    client.force_login(head_be)
    response = client.get("/admin/training/topics/add/")
    # a head has no admin access at all: sent to the admin's login
    assert (response.status_code, response["Location"]) == (
        302,
        "/admin/login/?next=/admin/training/topics/add/",
    )
    assert not TrainingTopic.objects.filter(slug="x").exists()


def test_the_demo_seeds_an_answered_round_once():
    from portal.demo import run_seeders
    from training.models import NeedsAnswer, NeedsResponse, NeedsRound

    run_seeders()
    run_seeders()
    needs_round = NeedsRound.objects.get()
    assert needs_round.status == NeedsRound.Status.OPEN
    assert set(NeedsResponse.objects.values_list("country__code", flat=True)) == {
        "BE",
        "DE",
        "FR",
        "NL",
        "PL",
    }
    assert NeedsAnswer.objects.filter(country__code="DE").count() == 4
    assert TrainingDelegate.objects.filter(user__email="officer.de@example.eu").exists()
    from training.models import Course, Session

    coded = Course.objects.exclude(cepol_code="").order_by("cepol_code")
    assert [course.cepol_code for course in coded] == ["27/2027", "31/2027"]
    assert Session.objects.filter(course__in=coded).count() == 3
    assert Session.objects.get(course__cepol_code="27/2027").quotas.count() == 3
    from django.core import mail

    from training.models import Nomination

    assert set(Nomination.objects.values_list("status", flat=True)) == set(Nomination.Status.values)
    assert mail.outbox == []  # the back-dated demo sends no email
    for session in Session.objects.all():
        holding = session.nominations.filter(status__in=Nomination.HOLDING_SEAT).count()
        assert session.seats_held == holding
