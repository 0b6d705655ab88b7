"""Quick answer for officers (/knowledge/quick-answer/): the entered country's rule for
officers of the origin country, whom to notify, source and dates; clear messages when no rule
is recorded or the same country is chosen twice; a bounded number of queries."""

import datetime

import pytest
import time_machine

from knowledge import quick_answer
from knowledge.compare import ParamError
from knowledge.models import FactSheetPage
from portal.models import Country
from tests.factories import user_in
from tests.helpers import soup_of
from tests.knowledge.factories import make_sheet
from tests.knowledge.test_compare import hot_pursuit, spoc

pytestmark = pytest.mark.django_db

URL = "/knowledge/quick-answer/"
NOW = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def belgium(db):
    """Belgium's hot-pursuit sheet: German officers may apprehend, no limits; French officers
    may not apprehend, 10 km. Contacts on the sheet on channels and contact points."""
    sheet = make_sheet(
        "BE",
        rules=[
            hot_pursuit("DE", transport="land,sea", notify="PCCC Heerlen and the SPOC"),
            hot_pursuit("FR", apprehension="a", limit_km=10, limit_hours=2, notify="CCPD"),
        ],
        bases=[
            {
                "title": "Belgian declaration on Art. 41 CISA",
                "reference": "Art. 41 CISA",
                "source": "Council doc. SCH/Com-ex (98) 12",
                "as_of": datetime.date(2025, 3, 1),
            }
        ],
        last_reviewed=datetime.date(2026, 3, 1),
        review_interval_months=12,
    )
    make_sheet(
        "BE",
        topic="cross-border-surveillance",
        rules=[{"action": "surveillance", "neighbour": "DE", "conditions": "Prior request."}],
    )
    make_sheet(
        "BE",
        topic="channels-and-contact-points",
        contacts=[
            spoc("SPOC Belgium", phone="+32 2 000 00 00", email="spoc@police.be"),
            {"service": "pccc", "name": "PCCC Heerlen", "phone": "+31 45 000"},
            {"service": "sirene", "name": "SIRENE Belgium", "available_24_7": True},
        ],
    )
    return sheet


def country(code):
    return Country.objects.get(code=code)


def officer(code):
    return user_in(code, "officer")


# --- The module -------------------------------------------------------------------------------


def test_the_rule_is_the_entered_countrys_rule_for_the_origin(belgium):
    answer = quick_answer.quick_answer(
        origin=country("DE"), entered=country("BE"), action="hot_pursuit", user=None
    )
    assert answer.sheet == belgium
    assert answer.rule.neighbour.code == "DE"
    assert answer.rule.transport == "land,sea"
    # SPOC first, then the PCCC; the SIRENE bureau is not whom an officer notifies.
    assert [c.name for c in answer.contacts] == ["SPOC Belgium", "PCCC Heerlen"]
    assert answer.legal_bases[0].as_of == datetime.date(2025, 3, 1)


def test_the_reverse_direction_is_another_countrys_rule(belgium):
    answer = quick_answer.quick_answer(
        origin=country("BE"), entered=country("DE"), action="hot_pursuit", user=None
    )
    assert answer.sheet is None and answer.rule is None
    assert answer.no_rule_message == (
        "No rule recorded for officers from BE entering DE (hot pursuit); "
        "contact your own SPOC before crossing."
    )


def test_no_rule_message_gives_the_spoc_to_call(belgium):
    answer = quick_answer.quick_answer(
        origin=country("NL"), entered=country("BE"), action="hot_pursuit", user=None
    )
    assert answer.rule is None
    assert answer.no_rule_message == (
        "No rule recorded for officers from NL entering BE (hot pursuit); "
        "call the SPOC 24/7: SPOC Belgium, +32 2 000 00 00."
    )


@pytest.mark.parametrize(
    ("values", "param", "message"),
    [
        ({"origin": "DE", "entered": "DE", "action": "hot_pursuit"}, "entered", "must differ"),
        ({"origin": "DE", "entered": "", "action": "hot_pursuit"}, "entered", "Choose"),
        ({"origin": "", "entered": "BE", "action": "hot_pursuit"}, "origin", "Choose"),
        ({"origin": "XX", "entered": "BE", "action": "hot_pursuit"}, "origin", "Unknown"),
        ({"origin": "DE", "entered": "BE,FR", "action": "hot_pursuit"}, "entered", "Unknown"),
        ({"origin": "DE", "entered": "BE", "action": "arrest"}, "action", "Choose an action"),
    ],
)
def test_bad_choices_name_the_parameter(values, param, message):
    with pytest.raises(ParamError) as caught:
        quick_answer.parse(**values)
    assert caught.value.param == param
    assert message in str(caught.value)


def test_greece_can_be_given_by_its_eu_code():
    origin, entered, action = quick_answer.parse(origin="EL", entered="BG", action="surveillance")
    assert (origin.code, entered.code, action) == ("GR", "BG", "surveillance")


# --- The page ---------------------------------------------------------------------------------


def test_the_officers_own_country_is_the_default_origin(client):
    client.force_login(officer("DE"))
    response = client.get(URL)
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("select", id="qa-origin").find("option", selected=True)["value"] == "DE"
    assert soup.find("label", attrs={"for": "qa-entered"}).get_text(strip=True) == (
        "Country entered"
    )
    actions = [i["value"] for i in soup.select("input[name=action]")]
    assert actions == ["hot_pursuit", "surveillance", "joint_patrol"]
    assert soup.find(class_="answer") is None


@time_machine.travel(NOW)
def test_hot_pursuit_de_to_be_on_one_screen(client, belgium):
    client.force_login(officer("DE"))
    response = client.get(URL, {"origin": "DE", "entered": "BE", "action": "hot_pursuit"})
    assert response.status_code == 200
    soup = soup_of(response)
    answer = soup.find("section", class_="answer")
    assert answer.find("h2").get_text(" ", strip=True) == (
        "Hot pursuit: officers from Germany entering Belgium"
    )
    rules = {
        item.find("dt").get_text(strip=True): item.find("dd").get_text(strip=True)
        for item in answer.select(".rule-item")
    }
    assert rules["Right to apprehend"] == "Right to apprehend"
    assert rules["Limit in space"] == "No limit"
    assert rules["Limit in time"] == "No limit"
    assert rules["Means of transport"] == "Land, sea"
    assert rules["Whom to notify"] == "PCCC Heerlen and the SPOC"
    assert rules["Offences"] == "Extraditable offences"
    channels = answer.find("a", string="All channels and contact points of Belgium")
    contacts_sheet = FactSheetPage.objects.get(
        country__code="BE", topic="channels-and-contact-points"
    )
    assert channels["href"] == contacts_sheet.url
    call = answer.find("a", href="tel:+3220000000")
    assert call.get_text(strip=True) == "Call +32 2 000 00 00"
    sources = answer.find("ul", class_="source-list").get_text(" ", strip=True)
    assert "Art. 41 CISA" in sources and "as of 1 March 2025" in sources
    assert "last reviewed 1 March 2026" in sources
    assert answer.find(id="answer-overdue") is None
    assert "the country entered" in answer.find(class_="reading-note").get_text()


@time_machine.travel(NOW)
def test_french_officers_get_the_limits_and_no_right_to_apprehend(client, belgium):
    client.force_login(officer("FR"))
    response = client.get(URL, {"origin": "FR", "entered": "BE", "action": "hot_pursuit"})
    rules = [dd.get_text(strip=True) for dd in soup_of(response).select(".rule-item dd")]
    assert "10 km" in rules and "2 hours" in rules
    assert any(text.startswith("No right to apprehend") for text in rules)


def test_surveillance_shows_its_own_rule_without_hot_pursuit_fields(client, belgium):
    client.force_login(officer("DE"))
    response = client.get(URL, {"origin": "DE", "entered": "BE", "action": "surveillance"})
    labels = [dt.get_text(strip=True) for dt in soup_of(response).select(".rule-item dt")]
    assert "Other conditions" in labels
    assert "Right to apprehend" not in labels and "Offences" not in labels
    note = soup_of(response).find(class_="reading-note").get_text(" ", strip=True)
    assert "authorises the surveillance" in note and "Art. 40(1) CISA" in note


def test_overdue_sheet_shows_a_warning(client, belgium):
    with time_machine.travel(datetime.datetime(2027, 4, 5, 12, 0, tzinfo=datetime.UTC)):
        client.force_login(officer("DE"))
        response = client.get(URL, {"origin": "DE", "entered": "BE", "action": "hot_pursuit"})
    warning = soup_of(response).find(id="answer-overdue")
    assert warning is not None
    assert "due for review on 1 March 2027" in warning.get_text(" ", strip=True)


def test_no_rule_recorded_names_the_border_and_the_spoc(client, belgium):
    client.force_login(officer("NL"))
    response = client.get(URL, {"origin": "NL", "entered": "BE", "action": "hot_pursuit"})
    assert response.status_code == 200
    message = soup_of(response).find(id="answer-no-rule").get_text(" ", strip=True)
    assert "No rule recorded for officers from NL entering BE" in message
    assert "call the SPOC 24/7: SPOC Belgium, +32 2 000 00 00" in message


def test_same_country_twice_is_a_clear_error(client):
    client.force_login(officer("DE"))
    response = client.get(URL, {"origin": "DE", "entered": "DE", "action": "hot_pursuit"})
    assert response.status_code == 400
    soup = soup_of(response)
    summary = soup.find(class_="error-summary").get_text(" ", strip=True)
    assert "must differ from the country of origin" in summary
    assert soup.find("select", id="qa-entered")["aria-invalid"] == "true"
    assert soup.find(class_="answer") is None


@pytest.mark.parametrize(
    "params",
    [
        {"origin": "DE", "entered": "QQ", "action": "hot_pursuit"},
        {"origin": "DE", "entered": "BE", "action": "smuggling"},
        {"origin": "DE", "entered": "BE", "action": ""},
        {"entered": "B" * 3000, "action": "hot_pursuit"},
    ],
)
def test_bad_parameters_are_400_never_500(client, params):
    client.force_login(officer("DE"))
    response = client.get(URL, params)
    assert response.status_code == 400
    assert soup_of(response).find(class_="error-summary") is not None


def test_without_an_action_the_form_is_prefilled(client):
    client.force_login(officer("DE"))
    response = client.get(URL, {"entered": "BE"})
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("select", id="qa-entered").find("option", selected=True)["value"] == "BE"
    assert soup.find("select", id="qa-origin").find("option", selected=True)["value"] == "DE"
    assert soup.find(class_="answer") is None and soup.find(class_="error-summary") is None


def test_a_link_without_origin_answers_for_the_officers_own_country(client, belgium):
    client.force_login(officer("DE"))
    response = client.get(URL, {"entered": "BE", "action": "hot_pursuit"})
    assert response.status_code == 200
    heading = soup_of(response).find(id="answer-heading").get_text(" ", strip=True)
    assert heading == "Hot pursuit: officers from Germany entering Belgium"


def test_a_link_into_the_officers_own_country_asks_where_they_come_from(client, belgium):
    client.force_login(officer("BE"))
    response = client.get(URL, {"entered": "BE", "action": "hot_pursuit"})
    assert response.status_code == 200
    soup = soup_of(response)
    assert soup.find("select", id="qa-origin").find("option", selected=True) is None
    assert soup.find("select", id="qa-entered").find("option", selected=True)["value"] == "BE"
    assert soup.find(class_="answer") is None and soup.find(class_="error-summary") is None


def test_page_links_to_compare_and_the_other_direction(client, belgium):
    client.force_login(officer("DE"))
    response = client.get(URL, {"origin": "DE", "entered": "BE", "action": "hot_pursuit"})
    soup = soup_of(response)
    reverse_link = soup.find("a", string="The other way: BE → DE")
    assert reverse_link["href"] == (
        "/knowledge/quick-answer/?origin=BE&entered=DE&action=hot_pursuit"
    )
    nav = soup.find("nav", attrs={"aria-label": "Knowledge tools"})
    assert nav.find("a", string="Compare")["href"] == "/knowledge/compare/"
    assert nav.find("a", string="Quick answer")["aria-current"] == "page"


def test_query_count_is_bounded(client, belgium, django_assert_max_num_queries):
    client.force_login(officer("DE"))
    params = {"origin": "DE", "entered": "BE", "action": "hot_pursuit"}
    client.get(URL, params)
    with django_assert_max_num_queries(20):
        response = client.get(URL, params)
    assert response.status_code == 200
