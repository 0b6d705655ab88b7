"""The network's reference data: 31 countries, their SPOCs, the agencies, and the Council
Presidency rota 2024-2030 (Council Decision (EU) 2016/1316 order)."""

import datetime

from django.db import migrations

# (ISO 3166-1 code, EU code, name, EU member)
COUNTRIES = [
    ("AT", "AT", "Austria", True),
    ("BE", "BE", "Belgium", True),
    ("BG", "BG", "Bulgaria", True),
    ("HR", "HR", "Croatia", True),
    ("CY", "CY", "Cyprus", True),
    ("CZ", "CZ", "Czechia", True),
    ("DK", "DK", "Denmark", True),
    ("EE", "EE", "Estonia", True),
    ("FI", "FI", "Finland", True),
    ("FR", "FR", "France", True),
    ("DE", "DE", "Germany", True),
    ("GR", "EL", "Greece", True),
    ("HU", "HU", "Hungary", True),
    ("IE", "IE", "Ireland", True),
    ("IT", "IT", "Italy", True),
    ("LV", "LV", "Latvia", True),
    ("LT", "LT", "Lithuania", True),
    ("LU", "LU", "Luxembourg", True),
    ("MT", "MT", "Malta", True),
    ("NL", "NL", "Netherlands", True),
    ("PL", "PL", "Poland", True),
    ("PT", "PT", "Portugal", True),
    ("RO", "RO", "Romania", True),
    ("SK", "SK", "Slovakia", True),
    ("SI", "SI", "Slovenia", True),
    ("ES", "ES", "Spain", True),
    ("SE", "SE", "Sweden", True),
    ("IS", "IS", "Iceland", False),
    ("LI", "LI", "Liechtenstein", False),
    ("NO", "NO", "Norway", False),
    ("CH", "CH", "Switzerland", False),
]

# (slug, name, short name, kind)
ORGANISATIONS = [
    ("europol", "European Union Agency for Law Enforcement Cooperation", "Europol", "agency"),
    ("cepol", "European Union Agency for Law Enforcement Training", "CEPOL", "agency"),
    ("frontex", "European Border and Coast Guard Agency", "Frontex", "agency"),
    (
        "eu-lisa",
        "European Union Agency for the Operational Management of Large-Scale IT Systems",
        "eu-LISA",
        "agency",
    ),
    ("eurojust", "European Union Agency for Criminal Justice Cooperation", "Eurojust", "agency"),
    ("interpol", "International Criminal Police Organization", "Interpol", "agency"),
    ("gsc", "General Secretariat of the Council of the European Union", "GSC", "council"),
]

# One country per semester, first half then second half of each year.
PRESIDENCIES = [
    (2024, "BE", "HU"),
    (2025, "PL", "DK"),
    (2026, "CY", "IE"),
    (2027, "LT", "GR"),
    (2028, "IT", "LV"),
    (2029, "LU", "NL"),
    (2030, "SK", "MT"),
]


def load(apps, schema_editor):
    Country = apps.get_model("portal", "Country")
    Organisation = apps.get_model("portal", "Organisation")
    PresidencyTerm = apps.get_model("portal", "PresidencyTerm")

    countries = {}
    for code, eu_code, name, member in COUNTRIES:
        countries[code], _ = Country.objects.update_or_create(
            code=code, defaults={"eu_code": eu_code, "name": name, "is_eu_member": member}
        )
        Organisation.objects.update_or_create(
            slug=f"spoc-{code.lower()}",
            defaults={
                "name": f"SPOC {name}",
                "short_name": f"{eu_code} SPOC",
                "kind": "spoc",
                "country": countries[code],
            },
        )
    for slug, name, short_name, kind in ORGANISATIONS:
        Organisation.objects.update_or_create(
            slug=slug, defaults={"name": name, "short_name": short_name, "kind": kind}
        )
    for year, first, second in PRESIDENCIES:
        PresidencyTerm.objects.update_or_create(
            starts_on=datetime.date(year, 1, 1),
            defaults={"country": countries[first], "ends_on": datetime.date(year, 6, 30)},
        )
        PresidencyTerm.objects.update_or_create(
            starts_on=datetime.date(year, 7, 1),
            defaults={"country": countries[second], "ends_on": datetime.date(year, 12, 31)},
        )


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_pages")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
