"""Training benchmark: SQL queries and server time of the training pages at network scale.

    .venv/bin/python -m bench.training [--requests 20] [--sessions 20] [--nominations 600]

Builds a throw-away database (the test settings: in-memory SQLite, tasks run at once), loads
the demo data, then adds a needs round answered by all 31 countries on every topic, a CEPOL
course with ``--sessions`` sessions in 2027 (capacity 24, quotas for Belgium, Germany and
France) and ``--nominations`` nominations spread over the sessions and the 31 countries (per
session: 60 % holding a seat, 20 % on the waiting list, 20 % asking), with the seat counter
kept as the services keep it. It then requests each page as the user who reads it and prints
the number of SQL queries of one request and the median and 95th percentile of the server
time over ``--requests`` requests (Django's test client: no network, no static files).
Nothing is asserted; the query counts are pinned by the test suite, the figures are recorded
in docs/performance.md ("Training").
"""

import argparse
import datetime
import logging
import os
import sys
import time

from bench.pages import measure


def build(sessions_count, nominations_count):
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from portal.demo import run_seeders

    run_seeders()

    from portal.models import Country, Organisation, User
    from training.models import (
        Course,
        NeedsAnswer,
        NeedsResponse,
        NeedsRound,
        Nomination,
        Session,
        SessionQuota,
        TrainingTopic,
    )

    countries = list(Country.objects.order_by("code"))
    topics = list(TrainingTopic.objects.filter(active=True))
    needs_round = NeedsRound.objects.create(
        title="Bench needs 2027",
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        deadline=datetime.date(2027, 12, 1),
        status=NeedsRound.Status.OPEN,
        opened_at=timezone.now(),
    )
    needs_round.topics.set(topics)
    NeedsResponse.objects.bulk_create(
        NeedsResponse(round=needs_round, country=country) for country in countries
    )
    NeedsAnswer.objects.bulk_create(
        NeedsAnswer(
            round=needs_round,
            country=country,
            topic=topic,
            staff_count=1 + (i * 7 + j) % 40,
            profile=("operator", "supervisor", "head")[(i + j) % 3],
            level=("awareness", "practitioner", "expert")[(i * j) % 3],
            urgency=("high", "medium", "low")[(i + 2 * j) % 3],
            comment="Bench answer",
        )
        for i, country in enumerate(countries)
        for j, topic in enumerate(topics)
    )

    course = Course.objects.create(
        title="Bench: SIENA for SPOC operators",
        topic=topics[0],
        level="practitioner",
        cepol_code="99/2027",
        organiser=Course.Organiser.CEPOL,
        language="en",
    )
    capacity = 24
    quota_countries = [c for c in countries if c.code in {"BE", "DE", "FR"}]
    sessions = []
    for s in range(sessions_count):
        first = datetime.date(2027, 2, 1) + datetime.timedelta(days=14 * s)
        sessions.append(
            Session.objects.create(
                course=course,
                first_day=first,
                last_day=first + datetime.timedelta(days=2),
                time_zone="Europe/Budapest",
                venue_kind=Session.VenueKind.ON_SITE,
                venue="CEPOL, Budapest",
                capacity=capacity,
                nomination_deadline=first - datetime.timedelta(days=21),
                quota_release_days=10,
            )
        )
    SessionQuota.objects.bulk_create(
        SessionQuota(session=session, country=country, seats=2)
        for session in sessions
        for country in quota_countries
    )

    per_session = -(-nominations_count // sessions_count)
    per_country = -(-per_session // len(countries)) + per_session  # nominees per country
    organisations = {o.country_id: o for o in Organisation.objects.filter(country__isnull=False)}
    users = {}
    for country in countries:
        users[country.pk] = User.objects.bulk_create(
            User(
                username=f"bench-{country.code.lower()}-{n}",
                email=f"bench.{country.code.lower()}.{n}@example.eu",
                first_name=f"Officer{n}",
                last_name=country.name,
                organisation=organisations[country.pk],
            )
            for n in range(per_country)
        )
    nominations = []
    made = 0
    for s, session in enumerate(sessions):
        held = waiting = 0
        count = min(per_session, nominations_count - made)
        for i in range(count):
            country = countries[(s * per_session + i) % len(countries)]
            nominee = users[country.pk][(s + i) % per_country]
            share = i / count
            if share < 0.6 and held < capacity:
                status = Nomination.Status.CONFIRMED if i % 2 else Nomination.Status.APPROVED
                position = None
                held += 1
            elif share < 0.8:
                status = Nomination.Status.WAITING
                waiting += 1
                position = waiting
            else:
                status = Nomination.Status.REQUESTED
                position = None
            nominations.append(
                Nomination(
                    session=session,
                    nominee=nominee,
                    country=country,
                    status=status,
                    position=position,
                    motivation="Bench",
                    requested_by=nominee,
                )
            )
        made += count
        Session.objects.filter(pk=session.pk).update(seats_held=held)
    Nomination.objects.bulk_create(nominations)
    return needs_round, sessions, len(nominations)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--nominations", type=int, default=600)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    import time_machine
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # Before the 2027 plan, whatever the day the benchmark runs: every session is to come.
    with time_machine.travel(datetime.datetime(2026, 12, 1, 12, tzinfo=datetime.UTC), tick=True):
        started = time.perf_counter()
        needs_round, sessions, count = build(args.sessions, args.nominations)
        print(
            f"Built {len(sessions)} sessions and {count} nominations in "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        from django.db.models import Count

        from portal.models import Country, User
        from training.models import Session

        busiest = (
            Session.objects.filter(pk__in=[s.pk for s in sessions])
            .annotate(n=Count("nominations"))
            .order_by("-n", "pk")
            .first()
        )
        be = Country.objects.get(code="BE")
        print(
            f"{Country.objects.count()} countries, session page: session {busiest.pk} with "
            f"{busiest.n} nominations ({busiest.nominations.filter(country=be).count()} from BE)",
            file=sys.stderr,
        )

        def user(email):
            return User.objects.get(email=email)

        trainer, cepol = user("trainer.nl@example.eu"), user("cepol@example.eu")
        pages = [
            (trainer, "Needs matrix (31 x topics)", f"/training/needs/{needs_round.pk}/"),
            (
                user("head.be@example.eu"),
                "Session page (head BE)",
                f"/training/sessions/{busiest.pk}/",
            ),
            (cepol, "Session page (CEPOL, organiser)", f"/training/sessions/{busiest.pk}/"),
            (user("officer.be@example.eu"), "Annual plan 2027", "/training/plan/2027/"),
            (
                user("officer.be@example.eu"),
                "API sessions?year=2027",
                "/api/v1/training/sessions?year=2027",
            ),
            (user("head.be@example.eu"), "Nominations page (head BE)", "/training/nominations/"),
            (user("head.be@example.eu"), "Dashboard (head BE)", "/"),
        ]
        print(f"\n{'page':<36} {'user':<28} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
        for account, label, url in pages:
            client = Client()
            client.force_login(account)
            status, queries, median, p95 = measure(client, url, args.requests)
            if status != 200:
                print(f"{label:<36} {account.email:<28} HTTP {status}")
                continue
            print(f"{label:<36} {account.email:<28} {queries:>7} {median:>10.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
