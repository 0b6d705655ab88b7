"""Cross-check benchmark: one new subject against N stored subjects of a country.

    .venv/bin/python -m bench.crosscheck [--subjects 1000000] [--queries 500] [--seed 7]

Builds the in-memory index of cases.crosscheck on the fly from N generated subjects (90 %
persons with surname, given names and date of birth drawn from a pool of Latin, Greek and
Cyrillic names, syllable-built so surnames are many and realistic in length; 10 % vehicles,
phones and documents), as the services build it from the database, then looks up
``--queries`` subjects: a third taken from the index with a typing slip in the surname, a third
transliterated to Cyrillic or Greek, a third unknown; plus identifiers. Prints the time to build
the index and the median, p95 and max of one lookup, single-threaded. Nothing is asserted; the
figures go into docs/performance.md.
"""

import argparse
import datetime
import random
import statistics
import sys
import time

SYLLABLES = (
    "an be ca de el fo ga hi io ka le mi no pe ra si to ul va we xi yo za "
    "bar cor dan fer gol han ivo jan kos lun mar nov ors pet rom sal tor urs vic wol zar "
    "berg mann son sen ski ova ich escu opou lis aki ides ez es ini etti"
).split()
GIVEN = [
    "Anna",
    "Petr",
    "Maria",
    "Jan",
    "Nikos",
    "Elena",
    "Luca",
    "Sofia",
    "Jonas",
    "Ivan",
    "Marta",
    "Pieter",
    "Lena",
    "Tomas",
    "Eva",
    "Georgios",
    "Olga",
    "Karl",
    "Ines",
    "Mihai",
]
CYRILLIC = str.maketrans(
    {
        "a": "а",
        "b": "б",
        "v": "в",
        "g": "г",
        "d": "д",
        "e": "е",
        "z": "з",
        "i": "и",
        "k": "к",
        "l": "л",
        "m": "м",
        "n": "н",
        "o": "о",
        "p": "п",
        "r": "р",
        "s": "с",
        "t": "т",
        "u": "у",
        "f": "ф",
        "h": "х",
        "c": "ц",
        "y": "ы",
    }
)


def surname(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def build(n, rng):
    from cases import normalise
    from cases.crosscheck import Row, SubjectIndex

    index = SubjectIndex()
    people = []
    start = time.perf_counter()
    base = datetime.date(1950, 1, 1)
    for pk in range(1, n + 1):
        if rng.random() < 0.9:
            name, given = surname(rng), rng.choice(GIVEN)
            dob = base + datetime.timedelta(days=rng.randrange(0, 20000))
            index.add(
                Row(pk, pk // 3, "person", normalise.name(name), normalise.name(given), dob, "")
            )
            if len(people) < 10000:
                people.append((name, given, dob))
        else:
            ident = f"{rng.choice('ABCDEFGH')}{rng.randrange(10**7):07d}"
            index.add(
                Row(pk, pk // 3, rng.choice(["vehicle", "phone", "document"]), "", "", None, ident)
            )
    return index, people, time.perf_counter() - start


def queries(people, count, rng):
    from cases import normalise

    result = []
    for i in range(count):
        kind = i % 4
        name, given, dob = rng.choice(people)
        if kind == 0:  # a typing slip
            pos = rng.randrange(1, len(name))
            name = name[:pos] + rng.choice("aeiou") + name[pos + 1 :]
        elif kind == 1:  # written in Cyrillic
            name, given = name.lower().translate(CYRILLIC), given.lower().translate(CYRILLIC)
        elif kind == 2:  # unknown person
            name, dob = surname(rng) + "ova", None
        else:  # an identifier
            result.append({"kind": "vehicle", "identifier": f"A{rng.randrange(10**7):07d}"})
            continue
        result.append(
            {
                "kind": "person",
                "surname": normalise.name(name),
                "given": normalise.name(given),
                "dob": dob,
            }
        )
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    import django

    django.setup()
    rng = random.Random(args.seed)
    index, people, built = build(args.subjects, rng)
    print(
        f"index: {index.size:,} subjects, {len(index.surnames):,} distinct surnames, "
        f"built in {built:.1f} s"
    )
    times, hits = [], 0
    for query in queries(people, args.queries, rng):
        start = time.perf_counter()
        found = index.search(**query)
        times.append((time.perf_counter() - start) * 1000)
        hits += bool(found)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"lookups: {len(times)}, with a hit: {hits}")
    print(
        f"one lookup: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"max {times[-1]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
