"""The trainer pool: heads propose, the core group vets, sessions get their trainers from the
pool, members find vetted trainers in the site search (with the country and topic facets);
who sees what; the list page's query count."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.models import Country
from search import selectors
from tests.factories import user_in
from tests.helpers import soup_of
from training import services_pool
from training.models import SessionTrainer, Trainer, TrainingTopic

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def search_index(settings, tmp_path):
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {**settings.WAGTAILSEARCH_BACKENDS["default"], "PATH": str(tmp_path / "ix")}
    }


def propose(head, name="Anna Peeters", topics=("siena",), languages=("en", "fr"), **overrides):
    values = {
        "full_name": name,
        "email": "anna@example.eu",
        "organisation": "Federal Police, SPOC",
        "topics": list(TrainingTopic.objects.filter(slug__in=topics)),
        "languages": list(languages),
        "qualifications": "CEPOL-certified trainer; 8 years SIENA operator.",
        "availability": "Not in August.",
    }
    values.update(overrides)
    return services_pool.trainer_propose(actor=head, **values)


@pytest.fixture
def proposed(head_be):
    return propose(head_be)


@pytest.fixture
def vetted(head_be, trainer):
    return services_pool.trainer_vet(actor=trainer, trainer=propose(head_be, name="Bart Claes"))


# --- Services -------------------------------------------------------------------------------


def test_a_head_proposes_a_trainer_of_their_own_country(head_be, proposed):
    assert proposed.status == Trainer.Status.PROPOSED
    assert proposed.country.code == "BE"
    assert proposed.language_codes == ["en", "fr"]
    assert proposed.search_country == "BE" and proposed.search_topic == "siena"
    assert proposed.proposed_by == head_be


def test_only_heads_propose_and_bad_input_is_refused_per_field(officer_be, head_be, trainer):
    for actor in (officer_be, trainer):
        with pytest.raises(PermissionDenied):
            propose(actor)
    with pytest.raises(ValidationError) as error:
        propose(head_be, name=" ", topics=(), languages=("xx",), qualifications="")
    assert set(error.value.message_dict) == {"full_name", "topics", "languages", "qualifications"}
    foreigner = user_in("DE", "officer")
    with pytest.raises(ValidationError) as error:
        propose(head_be, user=foreigner)
    assert "Belgium SPOC" in error.value.message_dict["user"][0]
    assert not Trainer.objects.exists()


def test_the_same_person_is_not_proposed_twice(head_be, proposed):
    with pytest.raises(ValidationError) as error:
        propose(head_be, name="anna peeters")
    assert "already in the pool" in error.value.message_dict["full_name"][0]


def test_the_core_group_vets_or_turns_down_with_a_reason(head_be, trainer, proposed):
    with pytest.raises(PermissionDenied):
        services_pool.trainer_vet(actor=head_be, trainer=proposed)
    with pytest.raises(ValidationError) as error:
        services_pool.trainer_reject(actor=trainer, trainer=proposed, reason="")
    assert "reason" in error.value.message_dict
    vetted = services_pool.trainer_vet(actor=trainer, trainer=proposed)
    assert vetted.status == Trainer.Status.VETTED and vetted.vetted_by == trainer
    with pytest.raises(ValidationError):
        services_pool.trainer_vet(actor=trainer, trainer=proposed)
    other = propose(head_be, name="Carla Dubois")
    rejected = services_pool.trainer_reject(actor=trainer, trainer=other, reason="No experience.")
    assert rejected.status == Trainer.Status.REJECTED and rejected.vetting_note == "No experience."


def test_sessions_get_their_trainers_from_the_vetted_pool(
    trainer, session, head_be, vetted, proposed
):
    with pytest.raises(ValidationError) as error:
        services_pool.session_trainers_set(actor=trainer, session=session, trainers=[proposed])
    assert "Only vetted trainers" in error.value.message_dict["trainers"][0]
    with pytest.raises(PermissionDenied):
        services_pool.session_trainers_set(actor=head_be, session=session, trainers=[vetted])
    services_pool.session_trainers_set(actor=trainer, session=session, trainers=[vetted])
    assert [link.trainer for link in SessionTrainer.objects.filter(session=session)] == [vetted]
    # A trainer giving a coming session is not taken out of the pool behind its back.
    with pytest.raises(ValidationError):
        services_pool.trainer_reject(actor=trainer, trainer=vetted, reason="Moved on.")
    services_pool.session_trainers_set(actor=trainer, session=session, trainers=[])
    assert not SessionTrainer.objects.exists()


# --- Site search ----------------------------------------------------------------------------


def test_vetted_trainers_are_found_by_topic_and_language_with_facets(
    officer_be, head_be, trainer, vetted, proposed
):
    de = services_pool.trainer_vet(
        actor=trainer,
        trainer=propose(
            user_in("DE", "head"),
            name="Jonas Becker",
            topics=("data-protection", "languages"),
            languages=("de",),
            organisation="BKA",
        ),
    )
    found = selectors.site_search(officer_be, "SIENA")
    titles = [result.title for result in found.results]
    assert any("Bart Claes" in title for title in titles)
    assert any("Jonas Becker" in title for title in titles)
    assert not any("Anna Peeters" in title for title in titles)  # not vetted yet
    types = {facet.value: facet.count for facet in found.facets["type"]}
    assert types["training.trainer"] == 2
    countries = {facet.value: facet.count for facet in found.facets["country"]}
    assert countries == {"BE": 1, "DE": 1}
    topics = {facet.value: facet.count for facet in found.facets["topic"]}
    assert topics == {"siena": 1, "data-protection": 1}
    # A language's name finds the trainers teaching in it; the facets filter.
    found = selectors.site_search(officer_be, "German", type="training.trainer")
    assert [result.object for result in found.results] == [de]
    found = selectors.site_search(officer_be, "SIENA", country="BE")
    assert [result.object for result in found.results] == [vetted]
    assert found.results[0].url == f"/training/trainers/{vetted.pk}/"
    found = selectors.site_search(officer_be, "SIENA", topic="data-protection")
    assert [result.object for result in found.results] == [de]


# --- Pages ----------------------------------------------------------------------------------


def test_members_see_vetted_trainers_and_their_professional_profile(
    client, officer_be, vetted, proposed
):
    client.force_login(officer_be)
    page = soup_of(client.get("/training/trainers/"))
    names = [a.get_text() for a in page.select("#trainer-list tbody a")]
    assert names == ["Bart Claes"]
    assert client.get(f"/training/trainers/{proposed.pk}/").status_code == 404
    page = soup_of(client.get(f"/training/trainers/{vetted.pk}/"))
    facts = page.select_one("#trainer-facts").get_text()
    assert "Federal Police, SPOC" in facts and "English, French" in facts
    assert "anna@example.eu" not in facts and "Not in August" not in facts


def test_a_pending_proposal_is_seen_by_its_countrys_head_and_the_trainers_only(
    client, head_be, head_de, trainer, proposed
):
    for user, status in ((head_be, 200), (trainer, 200), (head_de, 404)):
        client.force_login(user)
        assert client.get(f"/training/trainers/{proposed.pk}/").status_code == status
    client.force_login(head_be)
    page = soup_of(client.get(f"/training/trainers/{proposed.pk}/"))
    assert "Not in August" in page.select_one("#trainer-facts").get_text()
    assert not page.select_one("#vetting-actions")
    client.force_login(head_de)
    page = soup_of(client.get("/training/trainers/"))
    assert page.select_one("#no-trainers")


def test_the_propose_form_and_the_vetting_actions(client, head_be, trainer):
    client.force_login(head_be)
    siena = TrainingTopic.objects.get(slug="siena")
    response = client.post("/training/trainers/propose/", {"full_name": "Dirk Maes"})
    assert response.status_code == 400
    summary = soup_of(response).select_one(".error-summary").get_text()
    assert "Organisation" in summary and "Topics" in summary and "Languages" in summary
    response = client.post(
        "/training/trainers/propose/",
        {
            "full_name": "Dirk Maes",
            "organisation": "Federal Police",
            "topics": [siena.pk],
            "languages": ["nl", "en"],
            "qualifications": "Trainer of trainers.",
        },
    )
    assert response.status_code == 302
    dirk = Trainer.objects.get(full_name="Dirk Maes")
    assert client.post(f"/training/trainers/{dirk.pk}/vet/").status_code == 403
    client.force_login(trainer)
    response = client.post(f"/training/trainers/{dirk.pk}/reject/", {"reason": ""})
    assert response.status_code == 302
    dirk.refresh_from_db()
    assert dirk.status == Trainer.Status.PROPOSED  # no reason: nothing done
    client.post(f"/training/trainers/{dirk.pk}/vet/")
    dirk.refresh_from_db()
    assert dirk.is_vetted
    assert client.post(f"/training/trainers/{dirk.pk}/promote/").status_code == 404


def test_the_list_filters_by_topic_language_and_country(client, officer_be, trainer, head_be):
    head_fr = user_in("FR", "head")
    for head, name, topics, languages in (
        (head_be, "Bart Claes", ("siena",), ("nl",)),
        (head_be, "Els Wouters", ("data-protection",), ("en",)),
        (head_fr, "Luc Martin", ("siena",), ("fr", "en")),
    ):
        services_pool.trainer_vet(
            actor=trainer, trainer=propose(head, name=name, topics=topics, languages=languages)
        )
    client.force_login(officer_be)

    def names(query):
        page = soup_of(client.get("/training/trainers/?" + query))
        return [a.get_text() for a in page.select("#trainer-list tbody a")]

    assert names("topic=siena") == ["Bart Claes", "Luc Martin"]
    assert names("language=en") == ["Els Wouters", "Luc Martin"]
    assert names("topic=siena&language=en&country=FR") == ["Luc Martin"]
    assert names("language=klingon") == []  # an unknown value: nothing, and a message
    assert (
        "Select a valid choice"
        in soup_of(client.get("/training/trainers/?language=klingon")).get_text()
    )


def test_the_session_page_shows_its_trainers_and_the_manager_chooses_them(
    client, trainer, session, vetted, officer_be
):
    client.force_login(trainer)
    response = client.post(f"/training/sessions/{session.pk}/trainers/", {"trainers": [vetted.pk]})
    assert response.status_code == 302
    client.force_login(officer_be)
    page = soup_of(client.get(f"/training/sessions/{session.pk}/"))
    assert [a.get_text() for a in page.select("#session-trainer-list a")] == ["Bart Claes"]
    assert client.get(f"/training/sessions/{session.pk}/trainers/").status_code == 403
    client.force_login(trainer)
    page = soup_of(client.get(f"/training/trainers/{vetted.pk}/"))
    assert "SIENA for SPOC operators" in page.select_one("#trainer-sessions").get_text()


def test_the_trainer_list_query_count_does_not_grow(
    client, trainer, head_be, django_assert_max_num_queries, django_assert_num_queries
):
    services_pool.trainer_vet(actor=trainer, trainer=propose(head_be, name="T 0"))
    client.force_login(trainer)
    client.get("/training/trainers/")
    with django_assert_max_num_queries(15) as captured:
        assert client.get("/training/trainers/").status_code == 200
    countries = list(Country.objects.order_by("code")[:6])
    for number, country in enumerate(countries, start=1):
        head = user_in(country.code, "head")
        trainer_record = propose(
            head, name=f"T {number}", topics=("siena", "languages"), languages=("en", "de")
        )
        if number % 2:
            services_pool.trainer_vet(actor=trainer, trainer=trainer_record)
    with django_assert_num_queries(len(captured)):
        page = client.get("/training/trainers/")
    assert len(soup_of(page).select("#trainer-list tbody tr")) == 7
