"""Search benchmark: generated fact sheets, indexed and queried with the portal's Whoosh backend
and with modelsearch's database backend (SQLite FTS5) in the same run, side by side.

    .venv/bin/python -m bench.search --docs 1000 10000

Prints, per corpus size: full rebuild time and indexing throughput, and the latency (p50, p95,
max) of the first page of ten ranked results for a fixed mix of rare, mid-frequency and very
common one- to three-word queries. The database backend can take seconds per common query on
SQLite, so it runs each query once (``--db-repeat``) and every query is interrupted after
``--db-time-limit`` seconds (reported as ">limit"). Nothing is asserted; see
docs/performance.md for recorded figures.
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time

RARE = ["zygomatic", "quorvant", "lexdrift", "hafnium protocol", "marlinspike quorvant",
        "zygomatic lexdrift hafnium"]
MID = ["extradition", "surveillance", "liaison officer", "vehicle registration",
       "extradition warrant", "night duty surveillance"]
COMMON = ["police", "cooperation", "police cooperation", "border police cooperation"]
KINDS = (("rare", RARE), ("mid", MID), ("common", COMMON))

# Vocabulary: the domain words with the share of documents that contain them, plus generated
# filler words with a Zipf-like distribution.
DOMAIN = {
    "police": 0.95, "cooperation": 0.9, "border": 0.7, "information": 0.6, "contact": 0.6,
    "national": 0.55, "authority": 0.5, "request": 0.5, "bureau": 0.4, "sirene": 0.3,
    "extradition": 0.08, "surveillance": 0.1, "liaison": 0.07, "officer": 0.2, "vehicle": 0.09,
    "registration": 0.08, "warrant": 0.1, "night": 0.1, "duty": 0.1,
}
RARE_WORDS = ["zygomatic", "quorvant", "lexdrift", "hafnium", "protocol", "marlinspike"]
SYLLABLES = ["ka", "lo", "mi", "ter", "pan", "sol", "ve", "dri", "gon", "al", "ur", "ex", "tra",
             "nis", "por", "ba", "cel", "du", "fo", "rin"]
COUNTRIES = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU",
             "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"]
TOPICS = ["hot-pursuit", "cross-border-surveillance", "sirene", "spoc", "pcccs", "liaison",
          "data-exchange", "extradition"]


def vocabulary(rng, size=6000):
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def generate(n, seed=1):
    """``n`` fact-sheet field dicts: title ~6 words, summary ~30, body 250-600 words."""
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    docs = []
    for i in range(n):
        length = rng.randint(250, 600)
        words = rng.choices(vocab, weights=weights, k=length)
        for word, share in DOMAIN.items():
            if rng.random() < share:
                for _ in range(rng.randint(1, 4)):
                    words.insert(rng.randrange(len(words)), word)
        if rng.random() < 0.002 or i % 997 == 0:
            for word in rng.sample(RARE_WORDS, 3):
                words.insert(rng.randrange(len(words)), word)
        sentences = []
        for start in range(0, len(words), 14):
            sentence = " ".join(words[start : start + 14])
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
        country = COUNTRIES[i % len(COUNTRIES)]
        topic = TOPICS[i % len(TOPICS)]
        docs.append({
            "title": f"{country} fact sheet: {topic.replace('-', ' ')} {i}",
            "summary": " ".join(sentences[:2]),
            "body": " ".join(sentences[2:]),
            "country": country,
            "topic": topic,
            "language": "en",
            "updated": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
        })
    return docs


def rebuild(backend, model):
    """What ``update_index`` does for one model."""
    index = backend.get_index_for_model(model)
    rebuilder = backend.rebuilder_class(index)
    new_index = rebuilder.start()
    new_index.add_model(model)
    queryset = model.objects.order_by("pk")
    batch = []
    for obj in queryset.iterator(chunk_size=1000):
        batch.append(obj)
        if len(batch) == 1000:
            new_index.add_items(model, batch)
            batch = []
    if batch:
        new_index.add_items(model, batch)
    rebuilder.finish()


class Interrupt:
    """Interrupts SQLite statements running past ``limit`` seconds (database backend only)."""

    def __init__(self, limit):
        self.limit = limit
        self.deadline = None

    def __enter__(self):
        from django.db import connection

        connection.ensure_connection()
        self.deadline = time.monotonic() + self.limit
        connection.connection.set_progress_handler(
            lambda: 1 if time.monotonic() > self.deadline else 0, 20000
        )
        return self

    def __exit__(self, *exc):
        from django.db import connection

        connection.connection.set_progress_handler(None, 0)


def run_queries(backend, model, repeat, time_limit=None):
    """{kind: [latency seconds or None when interrupted]} and a sample of hit counts."""
    from django.db import OperationalError

    timings = {}
    for kind, queries in KINDS:
        timings[kind] = []
        for text in queries:
            for _ in range(repeat):
                started = time.perf_counter()
                try:
                    if time_limit:
                        with Interrupt(time_limit):
                            hits = list(backend.search(text, model)[:10])
                    else:
                        hits = list(backend.search(text, model)[:10])
                except OperationalError:
                    timings[kind].append(None)
                    continue
                timings[kind].append(time.perf_counter() - started)
                if not hits and kind != "rare":
                    print(f"  warning: no hits for {text!r}", file=sys.stderr)
    return timings


def summary(values, limit=None):
    done = sorted(v for v in values if v is not None)
    interrupted = len(values) - len(done)
    if interrupted:
        # an interrupted query took at least the limit: counts as the slowest
        done += [float("inf")] * interrupted

    def fmt(seconds):
        return f">{limit:.0f}s" if seconds == float("inf") else f"{seconds * 1000:.1f}"

    if not done:
        return "-"
    p50 = statistics.median(done)
    p95 = done[min(len(done) - 1, max(0, int(round(0.95 * len(done))) - 1))]
    return f"{fmt(p50)} / {fmt(p95)} / {fmt(done[-1])}"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, nargs="+", default=[1000, 10000],
                        help="corpus sizes (default: 1000 10000)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs of each query on the Whoosh backend (default 5)")
    parser.add_argument("--db-repeat", type=int, default=1,
                        help="runs of each query on the database backend (default 1)")
    parser.add_argument("--db-time-limit", type=float, default=10.0,
                        help="seconds after which a database-backend query is interrupted")
    parser.add_argument("--skip-database", action="store_true",
                        help="only the Whoosh backend")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.search.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from modelsearch.backends import get_search_backend

    from .models import FactSheet

    call_command("migrate", run_syncdb=True, verbosity=0)
    whoosh = get_search_backend("default")
    database = None if args.skip_database else get_search_backend("database")

    print(f"Search benchmark, {time.strftime('%Y-%m-%d %H:%M')} on {platform.node()}: "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.platform()}")
    print(f"work dir {settings.WORK_DIR}; latencies: first page of 10 ranked results, "
          "ms p50 / p95 / max")
    for n in args.docs:
        FactSheet.objects.all().delete()
        started = time.perf_counter()
        docs = generate(n)
        FactSheet.objects.bulk_create([FactSheet(**d) for d in docs], batch_size=500)
        words = statistics.mean(len((d["summary"] + " " + d["body"]).split()) for d in docs)
        print(f"\n{n} fact sheets, {words:.0f} words on average "
              f"(generated and stored in {time.perf_counter() - started:.1f}s)")
        rows = {"full rebuild (s)": {}, "indexing (docs/s)": {}}
        for name, backend in (("whoosh", whoosh), ("database", database)):
            if backend is None:
                continue
            started = time.perf_counter()
            rebuild(backend, FactSheet)
            elapsed = time.perf_counter() - started
            rows["full rebuild (s)"][name] = f"{elapsed:.1f}"
            rows["indexing (docs/s)"][name] = f"{n / elapsed:.0f}"
            if name == "whoosh":
                run_queries(backend, FactSheet, 1)  # warm-up: open the index, fill caches
                timings = run_queries(backend, FactSheet, args.repeat)
            else:
                timings = run_queries(backend, FactSheet, args.db_repeat, args.db_time_limit)
            for kind, values in timings.items():
                label = f"{kind} queries"
                rows.setdefault(label, {})[name] = summary(values, args.db_time_limit)
            every = [v for values in timings.values() for v in values]
            rows.setdefault("all queries", {})[name] = summary(every, args.db_time_limit)
        print(f"{'':24}{'whoosh':>26}{'database':>26}")
        for label, values in rows.items():
            print(f"{label:24}{values.get('whoosh', '-'):>26}{values.get('database', '-'):>26}")
    print(f"\nWhoosh hard time limit per query: {whoosh.time_limit}s")


if __name__ == "__main__":
    main()
