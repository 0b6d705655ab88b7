"""Search quality: nDCG@10 of site search over the judged query set (tests/search/judged.py),
with every word required (the behaviour before partial matches) and as the portal searches now
(all words first, then documents with most of the words).

    .venv/bin/python -m bench.search_quality

Builds a throw-away database (the test settings: in-memory SQLite, tasks run at once) and a
Whoosh index in a temporary directory, publishes the judged corpus as Presidency updates and
runs each query as an officer. Prints nDCG@10 per query and the mean. Nothing is asserted;
the orderings that matter are asserted by tests/search/test_partial_matches.py.
"""

import math
import os
import sys
import tempfile


def dcg(grades):
    return sum((2**grade - 1) / math.log2(position + 2) for position, grade in enumerate(grades))


def ndcg_at_10(ranked_slugs, judgments):
    gains = [judgments.get(slug, 0) for slug in ranked_slugs[:10]]
    ideal = dcg(sorted(judgments.values(), reverse=True)[:10])
    return dcg(gains) / ideal if ideal else 0.0


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django
    from django.conf import settings

    index_dir = tempfile.mkdtemp(prefix="bench-search-quality-")
    django.setup()
    settings.WAGTAILSEARCH_BACKENDS["default"]["PATH"] = index_dir
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    from search import selectors
    from tests.factories import user_in
    from tests.search.judged import JUDGMENTS, publish_corpus

    publish_corpus()
    officer = user_in("BE", "officer")

    def ranked(q, *, partial):
        if not partial:
            original, selectors.PARTIAL_MATCH_BELOW = selectors.PARTIAL_MATCH_BELOW, 0
        try:
            found = selectors.site_search(officer, q)
        finally:
            if not partial:
                selectors.PARTIAL_MATCH_BELOW = original
        return [result.object.slug for result in found.results]

    rows = []
    for q, judgments in JUDGMENTS.items():
        before = ndcg_at_10(ranked(q, partial=False), judgments)
        after = ndcg_at_10(ranked(q, partial=True), judgments)
        rows.append((q, before, after))
    width = max(len(q) for q, _, _ in rows)
    print(f"{'query':<{width}}  all words  partial")
    for q, before, after in rows:
        print(f"{q:<{width}}  {before:9.3f}  {after:7.3f}")
    mean_before = sum(r[1] for r in rows) / len(rows)
    mean_after = sum(r[2] for r in rows) / len(rows)
    print(f"{'mean nDCG@10':<{width}}  {mean_before:9.3f}  {mean_after:7.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
