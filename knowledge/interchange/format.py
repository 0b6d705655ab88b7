"""The interchange format's fixed parts: kinds and their folders, the front-matter keys of each
kind in export order, value patterns, and the problems an import reports."""

import dataclasses
import re

MAX_FILE_BYTES = 1_000_000
KINDS = ("factsheet", "practice", "obstacle", "document")
KIND_FOLDERS = {
    "factsheet": "factsheets",
    "practice": "practices",
    "obstacle": "obstacles",
    "document": "documents",
}

# Front-matter keys of each kind, in the order the export writes them.
KEYS = {
    "factsheet": (
        "kind",
        "title",
        "slug",
        "country",
        "topic",
        "language",
        "reviewed",
        "review_interval_months",
        "summary",
        "rules",
        "contacts",
        "legal_basis",
    ),
    "practice": ("kind", "title", "slug", "country", "category", "tags", "language", "summary"),
    "obstacle": (
        "kind",
        "title",
        "slug",
        "country",
        "obstacle_kind",
        "status",
        "tags",
        "language",
        "proposed_solutions",
    ),
    "document": ("kind", "title", "slug", "country", "topic", "language", "summary"),
}
RULE_KEYS = (
    "action",
    "neighbour",
    "apprehension",
    "limit_km",
    "limit_hours",
    "offences",
    "transport",
    "notify",
    "conditions",
)
CONTACT_KEYS = ("service", "name", "available_24_7", "phone", "email", "languages")
LEGAL_BASIS_KEYS = ("title", "reference", "source", "as_of")
# Keys the export writes even when empty (the others are left out when empty).
ALWAYS_WRITTEN = {"kind", "title", "slug", "language", "reviewed", "review_interval_months"}
RULE_ALWAYS_WRITTEN = {"action", "neighbour", "limit_km", "limit_hours"}

LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
INT_RE = re.compile(r"^[0-9]+$")
TRUE_WORDS = {"true", "yes", "on"}
FALSE_WORDS = {"false", "no", "off"}


# =============================================================================================
# Problems
# =============================================================================================


@dataclasses.dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self):
        if not self.line:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"


class KnowledgeImportError(Exception):
    """The import found problems and wrote nothing; `problems` lists them all."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class KnowledgeExportError(Exception):
    pass
