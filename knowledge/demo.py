"""Demo knowledge for `manage.py seed_demo`: fact sheets for six neighbouring countries
(Belgium, Germany, France, Luxembourg, the Netherlands, Austria) on hot pursuit, cross-border
surveillance, joint patrols and contact points, some of them overdue for review; best
practices and obstacles with a status history.

DEMO DATA. The values are plausible, not authoritative: they illustrate the portal and must
not be relied on for operations. Idempotent: a sheet is looked up by country and topic, the
others by slug; nothing that exists is changed.
"""

import datetime

from django.utils import timezone

from knowledge.models import (
    BestPracticeIndexPage,
    BestPracticePage,
    ContactPoint,
    CountryFactSheetsPage,
    CrossBorderRule,
    FactSheetPage,
    LegalBasis,
    ObstacleIndexPage,
    ObstaclePage,
    ObstacleStatusChange,
)
from knowledge.services import obstacle_status_change
from meetings.models import MeetingPage
from portal.models import Country, User

DEMO_NOTE = "<p><em>Demo data: illustrative values, not legal advice.</em></p>"


def hp(
    neighbour,
    apprehension,
    km=None,
    hours=None,
    offences="extraditable",
    transport="land",
    notify="",
    conditions="",
):
    return {
        "action": "hot_pursuit",
        "neighbour": neighbour,
        "apprehension": apprehension,
        "limit_km": km,
        "limit_hours": hours,
        "offences": offences,
        "transport": transport,
        "notify": notify,
        "conditions": conditions,
    }


def sv(neighbour, notify, conditions, km=None, hours=None, transport="land"):
    return {
        "action": "surveillance",
        "neighbour": neighbour,
        "limit_km": km,
        "limit_hours": hours,
        "transport": transport,
        "notify": notify,
        "conditions": conditions,
    }


def jp(neighbour, notify, conditions=""):
    return {
        "action": "joint_patrol",
        "neighbour": neighbour,
        "transport": "land",
        "notify": notify,
        "conditions": conditions,
    }


CISA_41 = {
    "title": "Convention implementing the Schengen Agreement",
    "reference": "Art. 41 CISA",
    "source": "OJ L 239, 22.9.2000, p. 19",
    "as_of": datetime.date(2024, 1, 1),
}
CISA_40 = {
    "title": "Convention implementing the Schengen Agreement",
    "reference": "Art. 40 CISA",
    "source": "OJ L 239, 22.9.2000, p. 19",
    "as_of": datetime.date(2024, 1, 1),
}
PRUM_17 = {
    "title": "Council Decision 2008/615/JHA (Prüm Decision)",
    "reference": "Art. 17",
    "source": "OJ L 210, 6.8.2008, p. 1",
    "as_of": datetime.date(2023, 6, 1),
}
BENELUX = {
    "title": "Benelux Police Treaty of 8 June 2018",
    "reference": "Arts. 29-33 (hot pursuit), 26-28 (surveillance)",
    "source": "Treaty between Belgium, the Netherlands and Luxembourg on police cooperation",
    "as_of": datetime.date(2023, 10, 1),
}

# country: {topic: (last_reviewed, summary, rules, legal bases)}
FACT_SHEETS = {
    "BE": {
        "hot-pursuit": (
            datetime.date(2026, 3, 2),
            "Officers of the Benelux partners may continue a hot pursuit into Belgium without "
            "limits in space or time and may apprehend; German and French officers may not "
            "apprehend.",
            [
                hp("NL", "b", transport="land,sea", notify="Federal police CIC of the province"),
                hp("LU", "b", notify="Federal police CIC Arlon"),
                hp("DE", "a", notify="Federal police CIC Liège"),
                hp("FR", "a", km=10, offences="list", notify="Federal police CIC Hainaut"),
            ],
            [CISA_41, BENELUX],
        ),
        "cross-border-surveillance": (
            datetime.date(2025, 5, 12),
            "Cross-border surveillance needs a prior request to the federal police's central "
            "directorate; in urgent cases it may start without one and must be notified at once.",
            [
                sv(
                    "NL",
                    "DGJ/DJO central surveillance desk",
                    "Prior request via SIENA; urgent: "
                    "notify when crossing, request within 5 hours.",
                ),
                sv(
                    "DE",
                    "DGJ/DJO central surveillance desk",
                    "Prior request via SIENA; technical means only as authorised.",
                ),
                sv(
                    "FR",
                    "DGJ/DJO central surveillance desk",
                    "Prior request; no urgent surveillance without notification.",
                    hours=5,
                ),
            ],
            [CISA_40, BENELUX],
        ),
        "channels-and-contact-points": (
            datetime.date(2026, 9, 14),
            "The SPOC of the federal police (DRI) handles incoming requests 24/7 in French, "
            "Dutch, German and English.",
            [],
            [],
        ),
    },
    "DE": {
        "hot-pursuit": (
            datetime.date(2025, 2, 10),
            "Officers of all neighbouring states may pursue into Germany without limits in "
            "space or time; they may stop and question the person until German officers arrive.",
            [
                hp("NL", "b", transport="land,sea", notify="Police headquarters of the Land"),
                hp("BE", "b", notify="Police headquarters Aachen"),
                hp("FR", "b", notify="Joint centre Kehl"),
                hp("LU", "b", notify="Police headquarters Trier"),
                hp("AT", "b", transport="land,air", notify="Federal police Munich"),
            ],
            [CISA_41],
        ),
        "joint-operations": (
            datetime.date(2026, 4, 20),
            "Joint patrols in border areas under bilateral treaties; foreign officers act under "
            "the command of a German officer.",
            [
                jp("NL", "Federal police Bad Bentheim", "Under German command; own uniform."),
                jp("FR", "Joint centre Kehl", "Under German command."),
                jp("AT", "Federal police Munich", "Under German command."),
            ],
            [PRUM_17],
        ),
        "channels-and-contact-points": (
            datetime.date(2026, 7, 1),
            "The Federal Criminal Police Office (BKA) is the SPOC, Europol national unit, "
            "SIRENE bureau and Interpol NCB.",
            [],
            [],
        ),
    },
    "FR": {
        "hot-pursuit": (
            datetime.date(2024, 11, 5),
            "Pursuit into France is limited to 10 km from the border, without the right to "
            "apprehend; French officers are notified when the border is crossed.",
            [
                hp("BE", "a", km=10, offences="list", notify="CCPD Tournai"),
                hp("DE", "a", km=10, offences="list", notify="CCPD Kehl"),
                hp("LU", "a", km=10, offences="list", notify="CCPD Luxembourg"),
            ],
            [CISA_41],
        ),
        "cross-border-surveillance": (
            datetime.date(2026, 1, 15),
            "Surveillance requests go to the central directorate of the judicial police; urgent "
            "surveillance must be notified before or when crossing.",
            [
                sv("BE", "SCCOPOL", "Prior authorisation; urgent: 5 hours.", hours=5),
                sv("DE", "SCCOPOL", "Prior authorisation; urgent: 5 hours.", hours=5),
            ],
            [CISA_40],
        ),
    },
    "NL": {
        "hot-pursuit": (
            datetime.date(2026, 6, 30),
            "Belgian, Luxembourg and German officers may pursue into the Netherlands without "
            "limits in space or time and may apprehend.",
            [
                hp("BE", "b", transport="land,sea", notify="National police LOCC"),
                hp("LU", "b", notify="National police LOCC"),
                hp("DE", "b", transport="land,sea", notify="National police LOCC"),
            ],
            [CISA_41, BENELUX],
        ),
        "channels-and-contact-points": (
            datetime.date(2025, 4, 1),
            "The International Legal Assistance Centre (IRC/LIRC) of the national police is the "
            "SPOC, reachable 24/7.",
            [],
            [],
        ),
    },
    "LU": {
        "hot-pursuit": (
            datetime.date(2026, 2, 9),
            "Pursuit into Luxembourg without limits in space or time; Benelux officers may "
            "apprehend, French and German officers may not.",
            [
                hp("BE", "b", notify="Grand-ducal police CIN"),
                hp("NL", "b", notify="Grand-ducal police CIN"),
                hp("DE", "a", notify="Grand-ducal police CIN"),
                hp("FR", "a", notify="Grand-ducal police CIN"),
            ],
            [CISA_41, BENELUX],
        ),
    },
    "AT": {
        "hot-pursuit": (
            datetime.date(2025, 8, 18),
            "German officers may pursue into Austria without limits in space or time and may "
            "apprehend.",
            [hp("DE", "b", transport="land,air", notify="Federal Ministry of the Interior EKC")],
            [CISA_41],
        ),
        "joint-operations": (
            datetime.date(2026, 5, 5),
            "Joint patrols with German and Italian officers on trains and in border regions.",
            [jp("DE", "Police directorate Salzburg", "On trains Salzburg-Munich.")],
            [PRUM_17],
        ),
    },
}

CONTACTS = {
    "BE": [
        (
            "spoc",
            "Federal Police, Directorate of International Police Cooperation (CGI)",
            True,
            "+32 2 000 00 00",
            "spoc@police.example.be",
            "fr,nl,de,en",
        ),
        (
            "sirene",
            "SIRENE Belgium",
            True,
            "+32 2 000 00 01",
            "sirene@police.example.be",
            "fr,nl,en",
        ),
        (
            "pccc",
            "PCCC Tournai",
            False,
            "+32 69 00 00 00",
            "ccpd.tournai@police.example.be",
            "fr,nl",
        ),
    ],
    "DE": [
        (
            "spoc",
            "Bundeskriminalamt, SPOC",
            True,
            "+49 611 00 00 00",
            "spoc@bka.example.de",
            "de,en,fr",
        ),
        (
            "europol_national_unit",
            "Europol national unit (BKA)",
            True,
            "+49 611 00 00 01",
            "enu@bka.example.de",
            "de,en",
        ),
        (
            "interpol_ncb",
            "Interpol NCB Wiesbaden",
            True,
            "+49 611 00 00 02",
            "ncb@bka.example.de",
            "de,en,fr,es",
        ),
    ],
    "NL": [
        (
            "spoc",
            "National Police, LIRC",
            True,
            "+31 79 000 00 00",
            "lirc@politie.example.nl",
            "nl,en,de",
        ),
        (
            "sirene",
            "SIRENE Netherlands",
            True,
            "+31 79 000 00 01",
            "sirene@politie.example.nl",
            "nl,en",
        ),
    ],
}


def _create_sheet(country, topic, reviewed, summary, rules, bases):
    parent = CountryFactSheetsPage.objects.get(country=country)
    sheet = FactSheetPage(
        title=f"{dict(FactSheetPage._meta.get_field('topic').choices)[topic]} — {country.name}",
        slug=topic,
        topic=topic,
        summary=summary,
        body=DEMO_NOTE,
        last_reviewed=reviewed,
    )
    neighbours = {c.code: c for c in Country.objects.all()}
    for rule in rules:
        values = dict(rule)
        values["neighbour"] = neighbours[values["neighbour"]]
        sheet.cross_border_rules.add(CrossBorderRule(**values))
    contacts = CONTACTS.get(country.code, []) if topic == "channels-and-contact-points" else []
    for service, name, always, phone, email, languages in contacts:
        sheet.contact_points.add(
            ContactPoint(
                service=service,
                name=name,
                available_24_7=always,
                phone=phone,
                email=email,
                languages=languages,
            )
        )
    for basis in bases:
        sheet.legal_bases.add(LegalBasis(**basis))
    parent.add_child(instance=sheet)
    sheet.save_revision().publish()


def seed_fact_sheets(report):
    countries = {c.code: c for c in Country.objects.filter(code__in=FACT_SHEETS)}
    for code, topics in FACT_SHEETS.items():
        country = countries.get(code)
        if country is None or not CountryFactSheetsPage.objects.filter(country=country).exists():
            continue
        for topic, (reviewed, summary, rules, bases) in topics.items():
            if FactSheetPage.objects.filter(country=country, topic=topic).exists():
                continue
            _create_sheet(country, topic, reviewed, summary, rules, bases)


BEST_PRACTICES = [
    (
        "single-case-number-across-channels",
        "One case number across SIENA, SIRENE and Interpol",
        "it_case_management",
        ["BE", "NL"],
        ["case management", "SIENA", "duplicates"],
        "Each incoming request gets one registration number, whatever channel it came "
        "through; the external references are stored against it so duplicates are caught.",
    ),
    (
        "shift-handover-checklist",
        "A shift handover checklist for the 24/7 desk",
        "workflow",
        ["DE"],
        ["24/7", "deadlines"],
        "A one-page checklist at each shift change lists open urgent requests and their "
        "8-hour and 3-day deadlines under Directive (EU) 2023/977.",
    ),
    (
        "language-pairs-roster",
        "Language pairs on the duty roster",
        "cooperation",
        ["LU", "FR"],
        ["languages", "roster"],
        "The duty roster shows which operator covers which language, so a call from a "
        "neighbouring SPOC reaches someone who speaks its language.",
    ),
    (
        "cepol-exchange-for-operators",
        "Short exchanges between SPOC operators with CEPOL",
        "training",
        ["AT", "DE"],
        ["CEPOL", "exchange"],
        "Operators spend a week at a neighbouring SPOC under the CEPOL exchange programme and "
        "bring back contacts and working methods.",
    ),
    (
        "refusal-grounds-templates",
        "Templates for refusals on the grounds of Art. 6 of Directive 2023/977",
        "legal",
        ["NL"],
        ["refusal", "Directive 2023/977"],
        "Standard texts for each refusal ground keep answers consistent and the statistics "
        "for the annual report reliable.",
    ),
]

OBSTACLES = [
    (
        "no-apprehension-right-fr",
        "Pursuing officers may not apprehend after crossing into France",
        "legal",
        ["FR", "BE", "DE"],
        "<p>Pursuits end at the border region when French officers cannot take over in time.</p>",
        "<p>Raise the question of extending the right of apprehension in bilateral "
        "agreements; meanwhile, improve the alert procedure to the CCPD.</p>",
        ["under_discussion"],
    ),
    (
        "siena-capacity-small-units",
        "SIENA is not available at every regional unit",
        "technical",
        ["AT", "LU"],
        "<p>Regional units route messages through the SPOC, which delays urgent requests.</p>",
        "<p>Extend SIENA access to the regional coordination centres.</p>",
        ["under_discussion", "solved"],
    ),
    (
        "night-language-coverage",
        "No operator speaking the neighbour's language at night",
        "pragmatic",
        ["BE", "NL", "LU"],
        "<p>Night calls in German or French sometimes wait for the morning shift.</p>",
        "<p>Share a roster of language skills between neighbouring SPOCs.</p>",
        [],
    ),
    (
        "differing-deadline-rules",
        "Different national rules on pausing deadlines for judicial authorisation",
        "legal",
        ["DE", "NL", "FR"],
        "<p>The Directive allows the clock to stop only to obtain a judicial authorisation; "
        "national practice on telling the requester differs.</p>",
        "<p>Common wording for the notice to the requesting SPOC.</p>",
        ["under_discussion", "raised_with_dapix"],
    ),
]


def seed_practices_and_obstacles(report):
    practices = BestPracticeIndexPage.objects.first()
    obstacles = ObstacleIndexPage.objects.first()
    countries = {c.code: c for c in Country.objects.all()}

    meeting = MeetingPage.objects.filter(slug="heads-of-spoc-nicosia-2026").first()
    if practices is not None:
        for slug, title, category, codes, tags, summary in BEST_PRACTICES:
            if BestPracticePage.objects.filter(slug=slug).exists():
                continue
            page = BestPracticePage(
                title=title,
                slug=slug,
                category=category,
                summary=summary,
                body=f"<p>{summary}</p>{DEMO_NOTE}",
                presented_at=meeting,
            )
            page.countries = [countries[code] for code in codes]
            page.tags.add(*tags)
            practices.add_child(instance=page)
            page.save_revision().publish()
    if obstacles is not None:
        actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        for slug, title, kind, codes, description, solutions, steps in OBSTACLES:
            if ObstaclePage.objects.filter(slug=slug).exists():
                continue
            page = ObstaclePage(
                title=title,
                slug=slug,
                kind=kind,
                description=description + DEMO_NOTE,
                proposed_solutions=solutions,
                raised_at=meeting,
            )
            page.countries = [countries[code] for code in codes]
            obstacles.add_child(instance=page)
            page.save_revision(user=actor).publish(user=actor)
            if actor is None:
                continue

            for status in steps:
                page = obstacle_status_change(
                    user=actor,
                    obstacle=page,
                    to_status=status,
                    note="Discussed at the network meeting." if meeting else "",
                )
            # Spread the demo history over the past months (most recent last).
            history = list(page.status_changes.order_by("changed_at", "pk"))
            now = timezone.now()
            for age, change in enumerate(reversed(history)):
                ObstacleStatusChange.objects.filter(pk=change.pk).update(
                    changed_at=now - datetime.timedelta(days=60 * age + 1)
                )
