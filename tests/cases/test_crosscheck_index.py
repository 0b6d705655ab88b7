"""The in-memory index behind the cross-check (no database)."""

import datetime

from cases import crosscheck, normalise
from cases.crosscheck import Row, SubjectIndex


def person(pk, surname, given, dob=None):
    return Row(pk, pk, "person", normalise.name(surname), normalise.name(given), dob, "")


def test_blocked_lookups_still_find_slips_and_other_alphabets(monkeypatch):
    monkeypatch.setattr(crosscheck, "FULL_SCAN_LIMIT", 0)  # as for a very large index
    index = SubjectIndex()
    dob = datetime.date(1975, 5, 17)
    for pk, (surname, given) in enumerate(
        [("Ivanov", "Petr"), ("Papadopoulos", "Nikos"), ("Schmidt", "Lena"), ("Ivanova", "Olga")],
        start=1,
    ):
        index.add(person(pk, surname, given, dob if pk == 1 else None))

    def best(surname, given, dob=None):
        hits = index.search(
            kind="person", surname=normalise.name(surname), given=normalise.name(given), dob=dob
        )
        return hits[0].pk if hits else None

    assert best("Иванов", "Пётр", dob) == 1  # Cyrillic
    assert best("Παπαδόπουλος", "Νίκος") == 2  # Greek
    assert best("Xchmidt", "Lena") == 3  # a slip in the first letter
    assert best("Schmitd", "Lena") == 3  # two letters swapped
    assert best("Weber", "Jonas") is None
