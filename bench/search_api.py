"""Site-search API benchmark: ``GET /api/v1/search`` at 10,000 documents, server time.

    .venv/bin/python -m bench.search_api [--docs 10000] [--repeat 5] [--profile QUERY]
    make bench-search-api BENCH_ARGS="--docs 2000"

Builds a throw-away installation (the test settings: in-memory SQLite, its own empty search
index, tasks run at once), loads the demo data, then adds ``--docs`` Presidency updates whose
text comes from the generator of ``bench.search`` (title ~6 words, summary ~30, body 250-600
words, the same rare, mid-frequency and very common words), and rebuilds the index once with
``update_index`` (the pages are created with the index's auto-update off, so the build does
not index them one at a time). It then signs an officer in and requests the API and the search
page for the fixed query mix of ``bench.search`` through Django's test client: the whole
request (session, permission scoping, every source, facets, highlights, JSON) without network.
Each query runs once to warm up, then ``--repeat`` times; p95 is the nearest-rank 95th
percentile of all runs of a kind. ``--profile QUERY`` prints a cProfile of 20 API requests
for that query instead. Nothing is asserted; figures go to docs/performance.md.
"""

import argparse
import os
import statistics
import sys
import time

from bench.search.__main__ import KINDS, generate


def build(docs):
    import datetime

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from portal.demo import run_seeders

    run_seeders()

    from django.db.models.signals import post_save
    from modelsearch.signal_handlers import post_save_signal_handler
    from wagtail.signal_handlers import update_reference_index_on_save

    from portal.models import UpdateIndexPage, UpdatePage

    parent = UpdateIndexPage.objects.get()
    first = datetime.date(2020, 1, 1)
    # One rebuild below instead of an index write per page; these pages link to nothing, so
    # Wagtail's reference index has nothing to record.
    handlers = (post_save_signal_handler, update_reference_index_on_save)
    for handler in handlers:
        post_save.disconnect(handler, sender=UpdatePage)
    try:
        for number, fields in enumerate(generate(docs)):
            parent.add_child(
                instance=UpdatePage(
                    title=fields["title"],
                    slug=f"bench-update-{number}",
                    date=first + datetime.timedelta(days=number % 2000),
                    summary=fields["summary"][:500],
                    body="".join(f"<p>{part}.</p>" for part in fields["body"].split(". ")),
                    audience="network",
                )
            )
            if number % 1000 == 999:
                print(f"  {number + 1} updates", file=sys.stderr)
    finally:
        for handler in handlers:
            post_save.connect(handler, sender=UpdatePage)
    started = time.perf_counter()
    call_command("update_index", verbosity=0)
    return time.perf_counter() - started


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(client, url, repeat):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code} {response.content[:200]!r}")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return times, response


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", metavar="QUERY")
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the database and index in DIR and reuse them when DIR already has them",
    )
    args = parser.parse_args(argv)
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        database = os.path.abspath(os.path.join(args.keep, "db.sqlite3"))
        reuse = os.path.exists(database)
        os.environ["DJANGO_DATABASE_URL"] = f"sqlite:///{database}"
    else:
        reuse = False

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    # One user's benchmark requests must not be throttled like a person typing.
    os.environ.setdefault("DJANGO_RATE_LIMIT_SEARCH", "100000/m")
    os.environ.setdefault("DJANGO_RATE_LIMIT_API", "100000/m")
    import django

    django.setup()
    from urllib.parse import urlencode

    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    import logging

    from django.conf import settings

    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    # As in production: the query log is counted in memory and written every 30 s, not per
    # request (the test settings write it at once so that tests can read it).
    settings.PORTAL_SEARCH_LOG_FLUSH_SECONDS = 30
    if args.keep:
        settings.WAGTAILSEARCH_BACKENDS["default"]["PATH"] = os.path.join(args.keep, "index")
    if reuse:
        print(f"Reusing the installation in {args.keep}", file=sys.stderr)
    else:
        started = time.perf_counter()
        rebuild = build(args.docs)
        print(
            f"Built {args.docs} updates in {time.perf_counter() - started - rebuild:.0f} s, "
            f"index rebuilt in {rebuild:.1f} s",
            file=sys.stderr,
        )

    from portal.models import User

    client = Client()
    client.force_login(User.objects.get(email="officer.be@example.eu"))

    if args.profile:
        import cProfile
        import pstats

        url = "/api/v1/search?" + urlencode({"q": args.profile})
        client.get(url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(url)
        profiler.disable()
        order = os.environ.get("BENCH_PROFILE_SORT", "cumulative")  # or tottime
        pstats.Stats(profiler).sort_stats(order).print_stats(45)
        return

    print(f"\n{args.docs} updates, {args.repeat} runs per query after one warm-up (ms)")
    print(f"{'kind':<8} {'endpoint':<18} {'p50':>7} {'p95':>7} {'max':>7}  hits of the first query")
    everything = {"api": [], "page": []}
    per_query = []
    for kind, queries in KINDS:
        for endpoint, path in (("api", "/api/v1/search?"), ("page", "/search/?")):
            runs = []
            first_total = None
            for query in queries:
                times, response = timed(client, path + urlencode({"q": query}), args.repeat)
                runs.extend(times)
                if endpoint == "api":
                    per_query.append((kind, query, statistics.median(times), max(times)))
                if first_total is None and endpoint == "api":
                    first_total = response.json().get("total")
            everything[endpoint].extend(runs)
            label = f"GET {path.rstrip('?')}"
            print(
                f"{kind:<8} {label:<18} {statistics.median(runs):>7.1f} "
                f"{percentile(runs, 0.95):>7.1f} {max(runs):>7.1f}  {first_total or ''}"
            )
    for endpoint, runs in everything.items():
        print(
            f"{'all':<8} {endpoint:<18} {statistics.median(runs):>7.1f} "
            f"{percentile(runs, 0.95):>7.1f} {max(runs):>7.1f}"
        )
    print(f"\n{'kind':<8} {'API query':<30} {'p50':>7} {'max':>7}")
    for kind, query, median, slowest in per_query:
        print(f"{kind:<8} {query:<30} {median:>7.1f} {slowest:>7.1f}")


if __name__ == "__main__":
    main()
