"""Reference data shipped by migrations: countries, organisations, the Presidency rota."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup

from portal.models import Country, Organisation, PresidencyTerm
from portal.reference import country_by_code, presidency_on
from tests.factories import user_in

pytestmark = pytest.mark.django_db

EU_27 = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
}  # fmt: skip
ASSOCIATED = {"IS", "LI", "NO", "CH"}


def test_thirty_one_countries():
    assert Country.objects.count() == 31
    assert set(Country.objects.filter(is_eu_member=True).values_list("code", flat=True)) == EU_27
    assert set(Country.objects.filter(is_eu_member=False).values_list("code", flat=True)) == (
        ASSOCIATED
    )
    assert Country.objects.get(code="GR").eu_code == "EL"


@pytest.mark.parametrize("code", ["EL", "el", "GR", "gr", " gr ", "El"])
def test_country_by_code_accepts_the_eu_code_for_greece(code):
    assert country_by_code(code).name == "Greece"


@pytest.mark.parametrize("code", ["XX", "", None, "GRC", "E", "UK", "'; DROP TABLE --"])
def test_country_by_code_unknown_is_none(code):
    assert country_by_code(code) is None


def test_country_by_code_for_all_countries():
    for country in Country.objects.all():
        assert country_by_code(country.code) == country
        assert country_by_code(country.eu_code) == country


def test_every_country_has_its_spoc():
    for country in Country.objects.all():
        spoc = Organisation.objects.get(country=country)
        assert spoc.kind == "spoc"
        assert spoc.slug == f"spoc-{country.code.lower()}"
        assert country.name in spoc.name


@pytest.mark.parametrize(
    ("short_name", "kind"),
    [
        ("Europol", "agency"),
        ("CEPOL", "agency"),
        ("Frontex", "agency"),
        ("eu-LISA", "agency"),
        ("Eurojust", "agency"),
        ("Interpol", "agency"),
        ("GSC", "council"),
    ],
)
def test_agencies_and_the_council_secretariat_exist(short_name, kind):
    organisation = Organisation.objects.get(short_name=short_name)
    assert organisation.kind == kind
    assert organisation.country is None


@pytest.mark.parametrize(
    ("day", "country"),
    [
        (datetime.date(2026, 11, 23), "Ireland"),
        (datetime.date(2026, 7, 1), "Ireland"),
        (datetime.date(2026, 6, 30), "Cyprus"),
        (datetime.date(2027, 3, 1), "Lithuania"),
        (datetime.date(2027, 9, 1), "Greece"),
        (datetime.date(2028, 1, 1), "Italy"),
        (datetime.date(2024, 1, 1), "Belgium"),
        (datetime.date(2025, 1, 1), "Poland"),
        (datetime.date(2025, 12, 31), "Denmark"),
        (datetime.date(2030, 12, 31), "Malta"),
    ],
)
def test_presidency_on(day, country):
    assert presidency_on(day).country.name == country


@pytest.mark.parametrize("day", [datetime.date(2031, 1, 1), datetime.date(2023, 12, 31)])
def test_no_presidency_outside_the_rota(day):
    assert presidency_on(day) is None


def test_presidency_on_accepts_datetimes_in_local_time():
    # 30 June 2026, 23:30 UTC is already 1 July in Brussels: Ireland's term.
    moment = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC)
    assert presidency_on(moment).country.name == "Ireland"


@time_machine.travel(datetime.datetime(2027, 2, 10, 12, 0, tzinfo=datetime.UTC))
def test_presidency_today_by_default():
    assert presidency_on().country.name == "Lithuania"


def test_rota_covers_2024_to_2030_without_gaps():
    terms = list(PresidencyTerm.objects.order_by("starts_on"))
    assert len(terms) == 14
    assert terms[0].starts_on == datetime.date(2024, 1, 1)
    assert terms[-1].ends_on == datetime.date(2030, 12, 31)
    for earlier, later in zip(terms, terms[1:], strict=False):
        assert later.starts_on == earlier.ends_on + datetime.timedelta(days=1)


@time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.UTC))
def test_dashboard_shows_the_current_presidency(client):
    client.force_login(user_in("BE", "officer"))
    soup = BeautifulSoup(client.get("/").content, "html.parser")
    text = soup.select_one("#current-presidency").get_text(" ", strip=True)
    assert "Ireland" in text
    assert "1 July 2026" in text and "31 December 2026" in text


@time_machine.travel(datetime.datetime(2031, 3, 1, 9, 0, tzinfo=datetime.UTC))
def test_dashboard_without_a_recorded_presidency(client):
    client.force_login(user_in("BE", "officer"))
    response = client.get("/")
    assert response.status_code == 200
    assert "No Council Presidency is recorded" in response.content.decode()
