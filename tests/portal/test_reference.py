"""Reference data shipped by migrations: countries, organisations, the Presidency rota."""

import datetime

import pytest
import time_machine
from bs4 import BeautifulSoup

from portal.models import Country, Organisation, PresidencyTerm
from portal.reference import country_by_code, presidency_on
from tests.factories import user_in
from tests.helpers import assert_admin_permission_denied

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


# --- Reference data in the Wagtail admin ------------------------------------------------------

REFERENCE_URLS = [
    "/admin/reference/countries/",
    "/admin/reference/organisations/",
    "/admin/reference/presidency/",
]


@pytest.mark.parametrize("url", REFERENCE_URLS)
def test_admins_see_reference_data_in_the_admin(client, admin, url):
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200


def test_admin_country_list_and_menu(client, admin):
    client.force_login(admin)
    response = client.get("/admin/reference/countries/?q=Greece")
    assert response.status_code == 200
    assert "Greece" in response.content.decode()
    menu = client.get("/admin/").content.decode()
    assert "Reference data" in menu
    assert "Presidency rota" in menu


def test_admin_presidency_rota_lists_the_terms(client, admin):
    client.force_login(admin)
    content = client.get("/admin/reference/presidency/").content.decode()
    assert "2026 H2: Ireland" in content
    assert "2027 H1: Lithuania" in content


def test_countries_cannot_be_added_or_deleted_even_by_admins(client, admin):
    client.force_login(admin)
    greece = Country.objects.get(code="GR")
    assert_admin_permission_denied(client.get("/admin/reference/countries/new/"))
    client.post(f"/admin/reference/countries/delete/{greece.pk}/")
    assert Country.objects.filter(code="GR").exists()
    assert client.get(f"/admin/reference/countries/inspect/{greece.pk}/").status_code == 200


def test_admin_can_fix_a_country_name_but_not_its_code(client, admin):
    client.force_login(admin)
    greece = Country.objects.get(code="GR")
    response = client.post(
        f"/admin/reference/countries/edit/{greece.pk}/",
        {"name": "Hellenic Republic", "code": "XX", "eu_code": "XX"},
    )
    assert response.status_code == 302
    greece.refresh_from_db()
    assert greece.name == "Hellenic Republic"
    assert (greece.code, greece.eu_code) == ("GR", "EL")


def test_admin_can_extend_the_rota(client, admin):
    client.force_login(admin)
    poland = Country.objects.get(code="PL")
    response = client.post(
        "/admin/reference/presidency/new/",
        {"country": poland.pk, "starts_on": "2031-01-01", "ends_on": "2031-06-30"},
    )
    assert response.status_code == 302
    assert presidency_on(datetime.date(2031, 3, 1)).country == poland


def test_invalid_rota_entry_is_refused_with_a_message(client, admin):
    client.force_login(admin)
    response = client.post(
        "/admin/reference/presidency/new/",
        {
            "country": Country.objects.get(code="PL").pk,
            "starts_on": "2031-06-30",
            "ends_on": "2031-01-01",
        },
    )
    assert response.status_code == 200
    assert not PresidencyTerm.objects.filter(starts_on=datetime.date(2031, 6, 30)).exists()


@pytest.mark.parametrize("role", ["editor", "presidency", "presidency_approver", "trainer"])
@pytest.mark.parametrize("url", REFERENCE_URLS)
def test_reference_data_admin_is_for_administrators_only(client, role, url):
    client.force_login(user_in("BE", role))
    assert_admin_permission_denied(client.get(url))
    assert "Reference data" not in client.get("/admin/").content.decode()
