"""The canonical fact-sheet topics, in the order readers see them.

They follow the Council's Manual on cross-border operations and its Manual on law enforcement
information exchange. The slugs are part of the import format (docs/knowledge-format.md), the
URLs and the search facets (`search_topic`); never rename one.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    reference: str = ""  # short legal reference shown beside the title, e.g. "Art. 41 CISA"

    @property
    def label(self):
        return f"{self.title} ({self.reference})" if self.reference else self.title


TOPICS = [
    Topic("cross-border-surveillance", "Cross-border surveillance", "Art. 40 CISA"),
    Topic("controlled-deliveries", "Controlled deliveries", "Art. 73 CISA"),
    Topic("hot-pursuit", "Hot pursuit", "Art. 41 CISA"),
    Topic(
        "joint-operations",
        "Joint operations and joint patrols",
        "Art. 17 Decision 2008/615/JHA",
    ),
    Topic("special-intervention-units", "Special intervention units", "Decision 2008/617/JHA"),
    Topic("arms", "Arms, ammunition and equipment"),
    Topic("definitions", "Definitions"),
    Topic("other-national-requirements", "Other national requirements"),
    Topic("channels-and-contact-points", "Information-exchange channels and contact points"),
    Topic("languages", "Languages"),
    Topic("designated-authorities", "Designated authorities"),
]

TOPIC_SLUGS = [topic.slug for topic in TOPICS]
TOPIC_CHOICES = [(topic.slug, topic.title) for topic in TOPICS]
_BY_SLUG = {topic.slug: topic for topic in TOPICS}

# Topics whose sheets carry cross-border rules, and the rule action each one holds.
TOPIC_ACTIONS = {
    "hot-pursuit": "hot_pursuit",
    "cross-border-surveillance": "surveillance",
    "joint-operations": "joint_patrol",
}


def topic_by_slug(slug):
    """The Topic for `slug`, or None when there is no such topic."""
    return _BY_SLUG.get(slug)


def topic_order(slug):
    """Sort key: the topic's position in TOPICS (unknown slugs last)."""
    try:
        return TOPIC_SLUGS.index(slug)
    except ValueError:
        return len(TOPIC_SLUGS)
