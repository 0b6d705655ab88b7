"""Page benchmark: SQL queries and server time of the main pages at full network scale.

    .venv/bin/python -m bench.pages [--requests 20] [--sheets-per-country 11]

Builds a throw-away database (the test settings: in-memory SQLite, tasks run at once), loads
the demo data, then gives every one of the 31 countries a fact sheet on each topic (with
cross-border rules for four neighbours, two contact points and a legal basis), so the
knowledge pages carry 341 sheets. It then requests each page as the user who would read it
and prints, per page, the number of SQL queries of one request and the median and 95th
percentile of the server time over ``--requests`` requests (Django's test client: no network,
no static files). Nothing is asserted; the query counts are pinned by the test suite, the
figures are recorded in docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import time


def build(sheets_per_country):
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from portal.demo import run_seeders

    run_seeders()

    from knowledge.models import FactSheetPage
    from knowledge.topics import TOPICS
    from portal.models import Country
    from tests.knowledge.factories import make_sheet

    countries = list(Country.objects.order_by("code"))
    existing = set(FactSheetPage.objects.values_list("country__code", "topic"))
    made = 0
    for index, country in enumerate(countries):
        neighbours = [countries[(index + step) % len(countries)].code for step in (1, 2, 3, 4)]
        for topic in TOPICS[:sheets_per_country]:
            if (country.code, topic.slug) in existing:
                continue
            action = {
                "hot-pursuit": "hot_pursuit",
                "cross-border-surveillance": "surveillance",
                "joint-operations": "joint_patrol",
            }.get(topic.slug)
            rules = (
                [
                    {
                        "action": action,
                        "neighbour": code,
                        "limit_km": 10 * (n + 1) if n % 2 else None,
                        "limit_hours": None if n % 2 else 2,
                        "notify": f"Regional command {code}",
                        **(
                            {"apprehension": "ab"[n % 2], "offences": "extraditable"}
                            if action == "hot_pursuit"
                            else {}
                        ),
                    }
                    for n, code in enumerate(neighbours)
                ]
                if action
                else []
            )
            make_sheet(
                country.code,
                topic.slug,
                rules=rules,
                contacts=[
                    {
                        "service": "spoc",
                        "name": f"SPOC {country.name}",
                        "available_24_7": True,
                        "phone": "+32 2 000 00 00",
                        "email": f"spoc@{country.code.lower()}.example.eu",
                        "languages": "en,fr",
                    },
                    {
                        "service": "sirene",
                        "name": f"SIRENE {country.name}",
                        "available_24_7": True,
                        "phone": "+32 2 000 00 01",
                        "email": f"sirene@{country.code.lower()}.example.eu",
                        "languages": "en",
                    },
                ],
                bases=[
                    {
                        "title": "Benchmark basis",
                        "reference": "Art. 41 CISA",
                        "source": "Bench document",
                        "as_of": "2026-01-01",
                    }
                ],
                body="<p>" + "Generated text for the page benchmark. " * 60 + "</p>",
            )
            made += 1
    return made, FactSheetPage.objects.count()


def measure(client, url, requests):
    from django.db import connection

    response = client.get(url)  # warm: session, caches, templates
    if response.status_code != 200:
        return response.status_code, None, None, None
    captured = []

    def count(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return 200, len(captured), statistics.median(times), p95


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--sheets-per-country", type=int, default=11)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    started = time.perf_counter()
    made, total = build(args.sheets_per_country)
    print(
        f"Built {made} extra fact sheets ({total} in all) in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )

    from knowledge.models import CountryFactSheetsPage, FactSheetIndexPage, FactSheetPage
    from meetings.models import MeetingPage
    from portal.models import User

    def user(email):
        return User.objects.get(email=email)

    meeting = MeetingPage.objects.live().order_by("-start").first()
    sheet = FactSheetPage.objects.live().get(country__code="BE", topic="hot-pursuit")
    pages = [
        ("officer.be@example.eu", "Dashboard", "/"),
        ("officer.be@example.eu", "Meetings index", "/meetings/"),
        ("officer.be@example.eu", "Meeting page (officer)", meeting.url),
        ("head.be@example.eu", "Meeting page (head)", meeting.url),
        ("presidency.ie@example.eu", "Meeting page (Presidency)", meeting.url),
        (
            "officer.be@example.eu",
            "Fact sheet index",
            FactSheetIndexPage.objects.get().url,
        ),
        (
            "officer.be@example.eu",
            "Country page (BE)",
            CountryFactSheetsPage.objects.get(country__code="BE").url,
        ),
        ("officer.be@example.eu", "Fact sheet (BE hot pursuit)", sheet.url),
        (
            "officer.be@example.eu",
            "Comparison, 2 countries",
            "/knowledge/compare/?topic=hot-pursuit&countries=BE,DE",
        ),
        (
            "officer.be@example.eu",
            "Comparison, 6 countries",
            "/knowledge/compare/?topic=hot-pursuit&countries=BE,DE,FR,NL,LU,AT",
        ),
        (
            "officer.be@example.eu",
            "Quick answer DE → BE",
            "/knowledge/quick-answer/?origin=DE&entered=BE&action=hot_pursuit",
        ),
        (
            "officer.be@example.eu",
            "API factsheets?topic=hot-pursuit",
            "/api/v1/factsheets?topic=hot-pursuit",
        ),
        (
            "officer.be@example.eu",
            "API compare, 6 countries",
            "/api/v1/compare?topic=hot-pursuit&countries=BE,DE,FR,NL,LU,AT",
        ),
        ("officer.be@example.eu", "Search 'no limit in time'", "/search/?q=no+limit+in+time"),
    ]
    print(f"\n{'page':<38} {'user':<26} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    clients = {}
    for email, label, url in pages:
        client = clients.get(email)
        if client is None:
            client = clients[email] = Client()
            client.force_login(user(email))
        status, queries, median, p95 = measure(client, url, args.requests)
        if status != 200:
            print(f"{label:<38} {email:<26} HTTP {status}")
            continue
        print(f"{label:<38} {email:<26} {queries:>7} {median:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
