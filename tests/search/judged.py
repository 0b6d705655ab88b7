"""A small judged query set for site search: Presidency updates that read like the portal's
content, and queries with the pages that should come first (grade 3: the answer; 2: very
useful; 1: related). Used by tests/search/test_partial_matches.py, which asserts the orderings
that matter, and by bench/search_quality.py, which prints nDCG@10."""

import datetime

# slug: (title, summary, body)
CORPUS = {
    "hot-pursuit": (
        "Hot pursuit across internal borders",
        "Which neighbour allows officers to continue a pursuit on its territory.",
        "Under Article 41 of the Schengen Convention officers may continue a hot pursuit "
        "across the border. Some neighbours set a time limit or a distance limit; others allow "
        "apprehension by the pursuing officers.",
    ),
    "surveillance": (
        "Cross-border surveillance requests",
        "Continuing an observation on a neighbour's territory.",
        "Cross-border surveillance under Article 40 needs a prior request for assistance, "
        "except in urgent cases where the neighbour is told at once.",
    ),
    "siena-training": (
        "SIENA training for SPOC operators",
        "CEPOL runs a SIENA course for new operators.",
        "Operators of the single point of contact learn to handle SIENA messages, "
        "priorities and handling codes in a three-day course.",
    ),
    "deadlines": (
        "Time limits for answering information requests",
        "Directive 2023/977 sets eight hours, three days or seven days.",
        "Urgent requests for directly accessible information are answered within eight "
        "hours; other urgent requests within three days; all other requests within seven "
        "days. A delay is notified to the requesting single point of contact.",
    ),
    "night-contacts": (
        "SIRENE night contacts",
        "Who answers at night in each SIRENE bureau.",
        "The night duty officers of the SIRENE bureaux answer hits on alerts around the clock.",
    ),
    "liaison-officers": (
        "Liaison officers and the single point of contact",
        "How liaison officers work with the SPOC.",
        "Liaison officers posted abroad copy the single point of contact on information "
        "requests, as the directive requires.",
    ),
    "vehicle-data": (
        "Vehicle registration data exchange",
        "Prüm vehicle registration queries.",
        "Vehicle registration data are exchanged through the Prüm framework (EUCARIS).",
    ),
    "data-protection": (
        "Data protection in information exchange",
        "Logging and data protection rules for the SPOC.",
        "Directive 2016/680 requires logging of every consultation and disclosure of "
        "personal data; the data protection officer checks the logs.",
    ),
    "meeting-dublin": (
        "Heads of SPOC meeting in Dublin",
        "The Presidency invites the Heads of SPOC to Dublin.",
        "The meeting discusses the implementation of the directive, SIENA use and training.",
    ),
    "languages": (
        "Languages accepted by each SPOC",
        "Which languages a single point of contact accepts requests in.",
        "Every single point of contact accepts requests in English; several also accept "
        "their neighbours' languages.",
    ),
}

# query: {slug: grade}
JUDGMENTS = {
    # descriptive sentences: no page has every word
    "which neighbour lets officers continue a pursuit across the border without a time limit": {
        "hot-pursuit": 3,
        "surveillance": 1,
    },
    "how many hours does a spoc have to answer an urgent request": {
        "deadlines": 3,
        "languages": 1,
    },
    "training course for new siena operators at cepol": {
        "siena-training": 3,
        "meeting-dublin": 1,
    },
    "who answers sirene hits during the night": {"night-contacts": 3},
    "logging personal data consultations under the police directive": {
        "data-protection": 3,
    },
    # ordinary queries: every word in the answer
    "hot pursuit": {"hot-pursuit": 3},
    "vehicle registration": {"vehicle-data": 3},
    "liaison officers": {"liaison-officers": 3},
}

DATE = datetime.date(2026, 11, 20)


def publish_corpus():
    """Publish CORPUS as Presidency updates; {slug: page}."""
    from portal.models import UpdateIndexPage, UpdatePage

    index = UpdateIndexPage.objects.get()
    pages = {}
    for slug, (title, summary, body) in CORPUS.items():
        page = UpdatePage(title=title, slug=slug, date=DATE, summary=summary, body=f"<p>{body}</p>")
        index.add_child(instance=page)
        page.save_revision().publish()
        pages[slug] = page
    return pages
