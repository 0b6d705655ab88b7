"""Correcting a trainer's record (/training/trainers/<id>/edit/): the core group edits any
record; the heads of the trainer's country edit their proposal until it is vetted; bad input
comes back per field and nothing is saved; the site search follows the change."""

import pytest

from tests.factories import user_in
from tests.helpers import soup_of
from training import services_pool
from training.models import Trainer, TrainingTopic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "PATH": str(tmp_path / "ix")}
    }


def propose(head, name="Anna Peeters", **overrides):
    values = {
        "full_name": name,
        "email": "anna@example.eu",
        "organisation": "Federal Police, SPOC",
        "topics": list(TrainingTopic.objects.filter(slug="siena")),
        "languages": ["en", "fr"],
        "qualifications": "CEPOL-certified trainer.",
        "availability": "Not in August.",
    }
    values.update(overrides)
    return services_pool.trainer_propose(actor=head, **values)


def form_data(page):
    """What the edit page's form would send as it is."""
    form = page.select_one("#trainer-form")
    data = {}
    for field in form.select("input, textarea, select"):
        name = field.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]")
            data[name] = chosen["value"] if chosen else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field["value"])
        else:
            data[name] = field.get("value", "")
    return data


def url(trainer):
    return f"/training/trainers/{trainer.pk}/edit/"


def test_the_head_corrects_their_proposal_before_vetting(client, head_be):
    trainer = propose(head_be)
    client.force_login(head_be)
    detail = soup_of(client.get(f"/training/trainers/{trainer.pk}/"))
    assert detail.select_one("#trainer-edit")["href"] == url(trainer)
    page = soup_of(client.get(url(trainer)))
    data = form_data(page)
    assert data["full_name"] == "Anna Peeters" and sorted(data["languages"]) == ["en", "fr"]
    account = user_in("BE", "officer", last_name="Peeters")
    data.update(
        full_name="Anna Peeters-Claes",
        organisation="Police academy",
        topics=[str(TrainingTopic.objects.get(slug="data-protection").pk)],
        languages=["nl"],
        user=str(account.pk),
    )
    response = client.post(url(trainer), data)
    assert (
        response.status_code == 302 and response["Location"] == f"/training/trainers/{trainer.pk}/"
    )
    trainer.refresh_from_db()
    assert trainer.full_name == "Anna Peeters-Claes" and trainer.organisation == "Police academy"
    assert trainer.language_codes == ["nl"] and trainer.user == account
    assert [topic.slug for topic in trainer.topics.all()] == ["data-protection"]
    assert trainer.search_topic == "data-protection"  # the site search facet follows
    assert trainer.status == Trainer.Status.PROPOSED  # still waiting for vetting


def test_bad_input_comes_back_per_field_and_nothing_is_saved(client, head_be):
    trainer = propose(head_be)
    propose(head_be, name="Bart Claes")
    client.force_login(head_be)
    data = form_data(soup_of(client.get(url(trainer))))
    response = client.post(url(trainer), {**data, "full_name": " ", "languages": []})
    assert response.status_code == 400
    summary = soup_of(response).select_one(".error-summary").get_text(" ", strip=True)
    assert "Name: This field is required." in summary
    assert "Languages the trainer teaches in: This field is required." in summary
    response = client.post(url(trainer), {**data, "email": "not-an-address"})
    assert response.status_code == 400
    summary = soup_of(response).select_one(".error-summary").get_text(" ", strip=True)
    assert "Email address: Give a valid email address, or leave it empty." in summary
    duplicate = client.post(url(trainer), {**data, "full_name": "bart claes"})
    assert duplicate.status_code == 400
    assert "bart claes is already in the pool." in duplicate.content.decode()
    foreign = user_in("DE", "officer")
    response = client.post(url(trainer), {**data, "user": str(foreign.pk)})
    assert response.status_code == 400  # not offered: a member of another SPOC
    trainer.refresh_from_db()
    assert trainer.full_name == "Anna Peeters" and trainer.email == "anna@example.eu"
    assert trainer.user is None


def test_once_vetted_only_the_core_group_edits(client, head_be, trainer):
    record = services_pool.trainer_vet(actor=trainer, trainer=propose(head_be))
    client.force_login(head_be)
    assert (
        soup_of(client.get(f"/training/trainers/{record.pk}/")).select_one("#trainer-edit") is None
    )
    assert client.get(url(record)).status_code == 403
    client.force_login(trainer)
    data = form_data(soup_of(client.get(url(record))))
    data["availability"] = "Mondays only."
    assert client.post(url(record), data).status_code == 302
    record.refresh_from_db()
    assert record.availability == "Mondays only." and record.status == Trainer.Status.VETTED


def test_the_core_group_links_only_an_account_of_the_trainers_country(head_be, trainer):
    record = propose(head_be)
    with pytest.raises(services_pool.ValidationError) as error:
        services_pool.trainer_update(
            actor=trainer,
            trainer=record,
            full_name=record.full_name,
            organisation=record.organisation,
            topics=list(record.topics.all()),
            languages=record.language_codes,
            qualifications=record.qualifications,
            user=user_in("DE", "officer"),
        )
    assert "Belgium SPOC" in error.value.message_dict["user"][0]


def test_others_get_a_404_for_a_proposal_and_a_403_for_a_vetted_record(
    client, head_be, head_de, officer_be, trainer
):
    proposal = propose(head_be)
    vetted = services_pool.trainer_vet(actor=trainer, trainer=propose(head_be, name="Bart Claes"))
    for other in (head_de, officer_be):
        client.force_login(other)
        assert client.get(url(proposal)).status_code == 404
        assert client.post(url(proposal), {"full_name": "X"}).status_code == 404
        assert client.get(url(vetted)).status_code == 403
        assert client.post(url(vetted), {"full_name": "X"}).status_code == 403
    proposal.refresh_from_db()
    vetted.refresh_from_db()
    assert proposal.full_name == "Anna Peeters" and vetted.full_name == "Bart Claes"


def test_a_retired_topic_stays_on_the_record_but_is_not_added(client, head_be, trainer):
    retired = TrainingTopic.objects.get(slug="languages")
    record = propose(head_be, topics=[retired, TrainingTopic.objects.get(slug="siena")])
    retired.active = False
    retired.save(update_fields=["active"])
    client.force_login(trainer)
    data = form_data(soup_of(client.get(url(record))))
    assert str(retired.pk) in data["topics"]
    assert client.post(url(record), data).status_code == 302
    assert retired in record.topics.all()
    other = propose(head_be, name="Bart Claes")
    with pytest.raises(services_pool.ValidationError) as error:
        services_pool.trainer_update(
            actor=trainer,
            trainer=other,
            full_name="Bart Claes",
            organisation="Police",
            topics=[retired],
            languages=["en"],
            qualifications="Q.",
        )
    assert "Retired topics" in error.value.message_dict["topics"][0]
