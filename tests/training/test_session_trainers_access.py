"""The trainers of a session see its nominees (a nominee's personal data is visible only to
their own head, the organiser and the trainers of that session): a trainer record of the pool
linked to a portal account, given the session, makes its nominees visible to that account on
the session page, the nomination's page, the nominations page and the API; it gives no say
over them. The trainer of another session gets a 404."""

import pytest
from django.db import transaction

from portal.models import Organisation
from tests.factories import user_in
from tests.helpers import soup_of
from tests.training.helpers import make_course, make_session
from training import services, services_pool
from training.models import Nomination, TrainingTopic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_at_once(monkeypatch):
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def pool_trainer(head, trainer, account, name):
    record = services_pool.trainer_propose(
        actor=head,
        full_name=name,
        user=account,
        organisation="Police academy",
        topics=list(TrainingTopic.objects.filter(slug="siena")),
        languages=["en"],
        qualifications="Ten years of SIENA.",
    )
    return services_pool.trainer_vet(actor=trainer, trainer=record)


@pytest.fixture
def setting(trainer, cepol_user, head_be, head_de):
    """A CEPOL session S given by Anna (a Belgian officer with a pool record) with a German
    and a Belgian nominee, and another session T given by Bruno."""
    course = make_course(cepol_user)
    given = make_session(cepol_user, course)
    other = make_session(cepol_user, course, venue="CEPOL, Budapest (second run)")
    anna = user_in("BE", "officer", first_name="Anna", last_name="Trainer")
    bruno = user_in("BE", "officer", first_name="Bruno", last_name="Trainer")
    services_pool.session_trainers_set(
        actor=cepol_user, session=given, trainers=[pool_trainer(head_be, trainer, anna, "Anna")]
    )
    services_pool.session_trainers_set(
        actor=cepol_user, session=other, trainers=[pool_trainer(head_be, trainer, bruno, "Bruno")]
    )
    german = services.nomination_create(
        actor=head_de, session=given, nominee=user_in("DE", "officer", last_name="Schulz")
    )
    belgian = services.nomination_request(
        actor=user_in("BE", "officer", last_name="Janssens"), session=given
    )
    return {
        "given": given,
        "other": other,
        "anna": anna,
        "bruno": bruno,
        "nominations": [german, belgian],
    }


def test_a_trainer_of_the_session_sees_its_nominees_without_deciding(client, setting):
    german, belgian = setting["nominations"]
    client.force_login(setting["anna"])
    page = soup_of(client.get(f"/training/sessions/{setting['given'].pk}/"))
    table = page.select_one("#nominations-table")
    assert table.select_one("caption").get_text(strip=True) == "All nominations"
    rows = [row.get_text(" ", strip=True) for row in table.select("tbody tr")]
    assert len(rows) == 2
    assert any("Schulz" in row and "Germany" in row for row in rows)
    assert any("Janssens" in row and "Belgium" in row for row in rows)
    assert not table.select("form")  # no approve, confirm, decline or withdraw for them
    detail = client.get(f"/training/nominations/{german.pk}/")
    assert detail.status_code == 200 and "Schulz" in detail.content.decode()
    # Seeing is not deciding: the organiser's and the head's actions are refused.
    assert client.post(f"/training/nominations/{german.pk}/confirm/").status_code == 403
    assert client.post(f"/training/nominations/{belgian.pk}/approve/").status_code == 403
    assert Nomination.objects.get(pk=german.pk).status == german.status
    api = client.get(f"/api/v1/training/nominations/{german.pk}")
    assert api.status_code == 200 and api.json()["id"] == german.pk
    # The nominations page lists the coming participants (seat holders and waiting list);
    # a request the head has not approved yet is on the session page only.
    listing = soup_of(client.get("/training/nominations/"))
    given = listing.select_one("#given-nominations")
    assert given is not None and "Schulz" in given.get_text()
    assert "Janssens" not in given.get_text()


def test_the_trainer_of_another_session_gets_a_404(client, setting):
    german, belgian = setting["nominations"]
    client.force_login(setting["bruno"])
    for nomination in (german, belgian):
        assert client.get(f"/training/nominations/{nomination.pk}/").status_code == 404
        assert client.get(f"/api/v1/training/nominations/{nomination.pk}").status_code == 404
        assert client.post(f"/training/nominations/{nomination.pk}/confirm/").status_code == 404
    page = client.get(f"/training/sessions/{setting['given'].pk}/").content.decode()
    assert "Schulz" not in page and "Janssens" not in page
    listing = soup_of(client.get("/training/nominations/"))
    assert "Schulz" not in listing.get_text()
    # Bruno's own session has no nominees yet: the section is there, empty.
    assert listing.select_one("#given-heading").get_text(strip=True).endswith("(0)")


def test_a_trainer_role_alone_does_not_show_a_cepol_sessions_nominees(client, setting, trainer):
    """The core group manages CEPOL's course records but is not its organiser, nor its
    trainer here: no names."""
    german, _ = setting["nominations"]
    client.force_login(trainer)
    assert client.get(f"/training/nominations/{german.pk}/").status_code == 404
    page = client.get(f"/training/sessions/{setting['given'].pk}/").content.decode()
    assert "Schulz" not in page


def test_the_link_counts_only_while_the_account_belongs_to_the_trainers_country(client, setting):
    german, _ = setting["nominations"]
    anna = setting["anna"]
    anna.organisation = Organisation.objects.get(slug="spoc-nl")
    anna.save(update_fields=["organisation"])
    client.force_login(anna)
    assert client.get(f"/training/nominations/{german.pk}/").status_code == 404
    assert "Schulz" not in client.get(f"/training/sessions/{setting['given'].pk}/").content.decode()


def test_a_member_without_a_pool_record_sees_only_their_own(client, setting):
    german, _ = setting["nominations"]
    client.force_login(user_in("BE", "officer"))
    assert client.get(f"/training/nominations/{german.pk}/").status_code == 404
    listing = soup_of(client.get("/training/nominations/"))
    assert listing.select_one("#given-heading") is None


def test_the_trainers_of_an_online_session_get_its_link(client, setting, cepol_user):
    session = setting["given"]
    services.session_update(
        actor=cepol_user,
        session=session,
        **{
            name: getattr(session, name)
            for name in (
                "first_day",
                "last_day",
                "daily_start",
                "daily_end",
                "time_zone",
                "capacity",
                "nomination_deadline",
                "quota_release_days",
            )
        },
        venue_kind="online",
        venue="",
        online_url="https://meet.example.eu/siena-room",
    )
    link = "https://meet.example.eu/siena-room"
    client.force_login(setting["anna"])
    assert link in client.get(f"/training/sessions/{session.pk}/").content.decode()
    assert link in client.get(f"/training/sessions/{session.pk}/session.ics").content.decode()
    assert client.get(f"/api/v1/training/sessions/{session.pk}").json()["online_url"] == link
    client.force_login(setting["bruno"])
    assert link not in client.get(f"/training/sessions/{session.pk}/").content.decode()
    assert link not in client.get(f"/training/sessions/{session.pk}/session.ics").content.decode()
    assert client.get(f"/api/v1/training/sessions/{session.pk}").json().get("online_url") in (
        None,
        "",
    )
