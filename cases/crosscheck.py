"""Cross-check of subjects against what the country already holds (Directive (EU) 2023/977
Art. 16(1)(d)), and the subject side of the duplicate check.

- identifiers (document numbers, plates, phones in E.164): exact match on the normal form;
- persons: the surname is compared with Jaro-Winkler (rapidfuzz) against the distinct
  surnames held, the given names with a token-order-insensitive ratio; names are compared in
  their folded Latin form (cases.normalise: Greek and Cyrillic transliterated, diacritics
  dropped), so "Иванов Пётр" meets "Ivanov Petr". The date of birth breaks ties: the same date
  adds to the score, a different one takes from it.

`SubjectIndex` holds one country's subjects in memory: a dict of surnames to rows and a list
of the distinct surnames that rapidfuzz scans in C. It is built on the fly from the database
and kept per process, topped up with the rows added since (see `index_for_country`)."""

import threading
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from cases.choices import SubjectKind

SURNAME_CUTOFF = 0.88  # Jaro-Winkler similarity of the surnames to look further
HIT_THRESHOLD = 85  # combined score (0-100) from which a person is shown as a hit
DOB_BONUS = 8
DOB_PENALTY = 25


@dataclass
class Row:
    pk: int
    case_id: int
    kind: str
    surname: str
    given: str
    dob: object
    identifier: str


@dataclass
class Hit:
    pk: int
    case_id: int
    score: int
    fields: list = field(default_factory=list)


def split_key(name_key):
    surname, _, given = (name_key or "").partition("|")
    return surname, given


# Up to this many distinct surnames every lookup scans them all; above it, only two blocks:
# the surnames with the same first letter, and those with the same second and third letters
# (so a slip in the first letter is still found). See docs/performance.md.
FULL_SCAN_LIMIT = 50_000


class SubjectIndex:
    def __init__(self):
        self.by_surname = {}
        self.surnames = []
        self.by_initial = {}
        self.by_inner = {}
        self.by_identifier = {}
        self.max_pk = 0
        self.size = 0

    def add(self, row):
        if row.surname:
            bucket = self.by_surname.get(row.surname)
            if bucket is None:
                bucket = self.by_surname[row.surname] = []
                self.surnames.append(row.surname)
                self.by_initial.setdefault(row.surname[:1], []).append(row.surname)
                self.by_inner.setdefault(row.surname[1:3], []).append(row.surname)
            bucket.append(row)
        if row.identifier:
            self.by_identifier.setdefault(row.identifier, []).append(row)
        self.max_pk = max(self.max_pk, row.pk)
        self.size += 1

    def search(self, *, kind, surname="", given="", dob=None, identifier="", limit=20):
        hits = {}
        if identifier:
            for row in self.by_identifier.get(identifier, ()):
                hits[row.pk] = Hit(row.pk, row.case_id, 100, ["identifier"])
        if kind in (SubjectKind.PERSON, SubjectKind.ORGANISATION) and surname:
            for found, similarity in self._similar_surnames(surname):
                for row in self.by_surname[found]:
                    if row.kind != kind:
                        continue
                    hit = self._score_person(row, similarity, surname, given, dob)
                    if hit and (row.pk not in hits or hits[row.pk].score < hit.score):
                        hits[row.pk] = hit
        return sorted(hits.values(), key=lambda h: (-h.score, h.pk))[:limit]

    def _similar_surnames(self, surname):
        if len(self.surnames) <= FULL_SCAN_LIMIT:
            blocks = [self.surnames]
        else:
            blocks = [self.by_initial.get(surname[:1], []), self.by_inner.get(surname[1:3], [])]
        found = {}
        for block in blocks:
            for name, similarity, _ in process.extract(
                surname,
                block,
                scorer=JaroWinkler.normalized_similarity,
                score_cutoff=SURNAME_CUTOFF,
                limit=200,
            ):
                found[name] = similarity
        return found.items()

    @staticmethod
    def _score_person(row, surname_similarity, surname, given, dob):
        fields = ["surname" if row.surname == surname else "surname (similar)"]
        if given and row.given:
            given_similarity = fuzz.token_sort_ratio(given, row.given) / 100
            score = 100 * (0.6 * surname_similarity + 0.4 * given_similarity)
            if given_similarity >= 0.85:
                fields.append("given names" if given == row.given else "given names (similar)")
        else:
            score = 100 * surname_similarity - 5
        if dob and row.dob:
            if dob == row.dob:
                score += DOB_BONUS
                fields.append("date of birth")
            else:
                score -= DOB_PENALTY
        score = int(round(min(score, 100)))
        return Hit(row.pk, row.case_id, score, fields) if score >= HIT_THRESHOLD else None


_cache = {}
_lock = threading.Lock()


def _rows(queryset):
    for pk, case_id, kind, name_key, dob, identifier_key in queryset.values_list(
        "pk", "case_id", "kind", "name_key", "date_of_birth", "identifier_key"
    ).iterator(chunk_size=5000):
        surname, given = split_key(name_key)
        yield Row(pk, case_id, kind, surname, given, dob, identifier_key)


def index_for_country(country_id):
    """The country's index, built on first use and topped up with subjects added since.
    Erased or removed subjects may linger in it: hits are always re-read from the database."""
    from cases.models import Subject

    with _lock:
        index = _cache.get(country_id)
        if index is None:
            index = _cache[country_id] = SubjectIndex()
        new = Subject.objects.filter(case__country_id=country_id, pk__gt=index.max_pk).order_by(
            "pk"
        )
        for row in _rows(new):
            index.add(row)
        return index


def reset_cache():
    with _lock:
        _cache.clear()
