"""manage.py import_courses: CEPOL's catalogue from a CSV file, all or nothing, with
`path:line: problem` errors; the CEPOL code is the key, so importing again changes nothing."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from tests.training.helpers import make_course
from training.importer import CourseImportError, courses_import
from training.models import Course, TrainingTopic

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parents[2] / "training" / "fixtures" / "cepol_catalogue.csv"
HEADER = "code,title,topic,level,organiser,organiser_country,language,description,prerequisites,second_approval\n"  # noqa: E501
GOOD = "12/2027,SIENA for SPOC operators,siena,practitioner,cepol,,en,Codes.,,yes\n"


def write(tmp_path, text, name="catalogue.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def problems_of(path):
    with pytest.raises(CourseImportError) as caught:
        courses_import(path=path)
    return [str(problem) for problem in caught.value.problems]


def test_the_example_file_imports_every_course():
    report = courses_import(path=EXAMPLE)
    assert len(report.created) == 4 and not report.updated
    siena = Course.objects.get(cepol_code="12/2027")
    assert siena.title == "SIENA for SPOC operators"
    assert siena.topic.slug == "siena"
    assert (siena.level, siena.organiser, siena.language) == ("practitioner", "cepol", "en")
    assert siena.description.startswith("Handling codes, workflows")
    assert siena.prerequisites == "Basic SIENA access"
    assert siena.second_approval is True
    german = Course.objects.get(cepol_code="45/2027")
    assert german.organiser == "country" and german.organiser_country.code == "DE"
    assert german.language == "de"
    assert Course.objects.get(cepol_code="13/2027").second_approval is False


def test_importing_again_changes_nothing(tmp_path):
    courses_import(path=EXAMPLE)
    before = {c.cepol_code: c.updated_at for c in Course.objects.all()}
    report = courses_import(path=EXAMPLE)
    assert (len(report.created), len(report.updated), len(report.unchanged)) == (0, 0, 4)
    assert {c.cepol_code: c.updated_at for c in Course.objects.all()} == before


def test_an_existing_course_with_the_code_is_updated_in_place(trainer, tmp_path):
    course = make_course(trainer, cepol_code="12/2027", title="Old title", level="awareness")
    report = courses_import(path=write(tmp_path, HEADER + GOOD))
    assert [label for label, _ in report.updated] == ["course 12/2027 “SIENA for SPOC operators”"]
    course.refresh_from_db()
    assert (course.title, course.level, course.second_approval) == (
        "SIENA for SPOC operators",
        "practitioner",
        True,
    )
    assert course.created_by == trainer  # kept
    assert Course.objects.count() == 1


def test_columns_in_any_order_case_and_optional_ones_left_out(tmp_path):
    path = write(
        tmp_path,
        "\ufeffTitle ,CODE,Level,Topic\nData protection basics,3/2028,Awareness,Data protection\n",
    )
    courses_import(path=path)
    course = Course.objects.get(cepol_code="3/2028")
    assert (course.organiser, course.language, course.level) == ("cepol", "en", "awareness")
    assert course.topic.slug == "data-protection"


def test_multi_line_cells_and_the_line_of_a_later_problem(tmp_path):
    text = (
        HEADER
        + '12/2027,SIENA,siena,practitioner,cepol,,en,"Line one\nline two",,no\n'
        + ("13/2027,Bad,siena,guru,cepol,,en,,,no\n")
    )
    assert problems_of(write(tmp_path, text)) == [
        f"{tmp_path / 'catalogue.csv'}:4: level: “guru” is not one of awareness, practitioner, "
        "expert"
    ]


BAD_ROWS = [
    ("1227,Title,siena,practitioner,cepol,,en,,,no", "code: “1227” is not a CEPOL activity code"),
    (",Title,siena,practitioner,cepol,,en,,,no", "code: required, the cell is empty"),
    ("12/2027,,siena,practitioner,cepol,,en,,,no", "title: required, the cell is empty"),
    ("12/2027," + "x" * 201 + ",siena,practitioner,cepol,,en,,,no", "title: too long"),
    ("12/2027,Title,astrology,practitioner,cepol,,en,,,no", "topic: unknown topic “astrology”"),
    ("12/2027,Title,siena,guru,cepol,,en,,,no", "level: “guru” is not one of"),
    ("12/2027,Title,siena,expert,europol,,en,,,no", "organiser: “europol” is not one of"),
    ("12/2027,Title,siena,expert,country,,en,,,no", "organiser_country: required when"),
    ("12/2027,Title,siena,expert,country,XX,en,,,no", "organiser_country: “XX” is not a country"),
    ("12/2027,Title,siena,expert,cepol,BE,en,,,no", "organiser_country: only for courses"),
    ("12/2027,Title,siena,expert,cepol,,klingon,,,no", "language: “klingon” is not a course"),
    ("12/2027,Title,siena,expert,cepol,,en,,,maybe", "second_approval: “maybe” is not yes or no"),
    ("12/2027,Title,siena,expert", "4 cells, the header has 10"),
]


@pytest.mark.parametrize("row, message", BAD_ROWS)
def test_each_bad_cell_is_reported_with_its_line(tmp_path, row, message):
    path = write(tmp_path, HEADER + GOOD.replace("12/2027", "1/2027") + row + "\n")
    problems = problems_of(path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:3: {message}"), problems
    assert not Course.objects.exists()


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("", 1, "empty file: no header row"),
        (HEADER, 1, "no courses: the file has only the header row"),
        ("code,title,topic\n1/2027,T,siena\n", 1, "missing column: level"),
        ("code,title,topic,level,venue\n", 1, "unknown column “venue”"),
        ("code,title,topic,level,code\n", 1, "column “code” appears twice"),
        (HEADER + '12/2027,"unclosed,siena\n', 2, "broken CSV"),
        (HEADER + GOOD + GOOD, 3, "code: 12/2027 is already on line 2"),
    ],
)
def test_bad_files_are_reported(tmp_path, text, line, message):
    path = write(tmp_path, text)
    problems = problems_of(path)
    assert any(p.startswith(f"{path}:{line}: {message}") for p in problems), problems


def test_not_utf8_and_too_large(tmp_path, monkeypatch):
    path = write(tmp_path, (HEADER + "1/2027,Café,siena,expert,cepol,,fr,,,no\n").encode("latin-1"))
    assert problems_of(path) == [f"{path}:2: not UTF-8 text (byte 0xe9); save the file as UTF-8"]
    monkeypatch.setattr("training.importer.MAX_FILE_BYTES", 10)
    assert "file too large" in problems_of(write(tmp_path, HEADER, "big.csv"))[0]
    assert "cannot read the file" in problems_of(tmp_path / "missing.csv")[0]


def test_the_code_follows_the_configurable_pattern(tmp_path):
    path = write(tmp_path, HEADER + GOOD.replace("12/2027", "CEPOL-2027-12"))
    assert "is not a CEPOL activity code" in problems_of(path)[0]
    with override_settings(TRAINING_CEPOL_CODE_PATTERN=r"^CEPOL-\d{4}-\d+$"):
        courses_import(path=path)
    assert Course.objects.filter(cepol_code="CEPOL-2027-12").exists()


def test_a_retired_topic_is_refused_for_a_new_course_but_kept_for_an_existing_one(
    trainer, tmp_path
):
    course = make_course(trainer, cepol_code="12/2027")
    TrainingTopic.objects.filter(slug="siena").update(active=False)
    path = write(tmp_path, HEADER + GOOD + GOOD.replace("12/2027", "13/2027"))
    assert problems_of(path) == [f"{path}:3: topic: the topic “SIENA” is retired"]
    courses_import(path=write(tmp_path, HEADER + GOOD, "one.csv"))
    course.refresh_from_db()
    assert course.second_approval is True


def test_one_bad_row_imports_nothing_and_every_problem_is_reported(trainer, tmp_path):
    course = make_course(trainer, cepol_code="12/2027", title="Kept as it was")
    text = (
        HEADER
        + GOOD
        + "13/2027,New course,siena,expert,cepol,,en,,,no\n"
        + "14/2027,Broken,nowhere,guru,cepol,,en,,,no\n"
    )
    problems = problems_of(write(tmp_path, text))
    assert [p.split(": ", 1)[1] for p in problems] == [
        "topic: unknown topic “nowhere” (give the slug or name of a training topic, e.g. siena)",
        "level: “guru” is not one of awareness, practitioner, expert",
    ]
    course.refresh_from_db()
    assert course.title == "Kept as it was"
    assert list(Course.objects.values_list("cepol_code", flat=True)) == ["12/2027"]


def test_dry_run_writes_nothing(tmp_path):
    report = courses_import(path=EXAMPLE, dry_run=True)
    assert len(report.created) == 4
    assert report.summary == "4 would be created, 0 would be updated, 0 unchanged"
    assert not Course.objects.exists()


def test_the_command_prints_problems_and_fails(tmp_path, capsys):
    path = write(tmp_path, HEADER + "1227,T,siena,expert,cepol,,en,,,no\n")
    with pytest.raises(CommandError, match="1 problem found; nothing was imported"):
        call_command("import_courses", str(path))
    assert f"{path}:2: code: “1227” is not a CEPOL activity code" in capsys.readouterr().err
    call_command("import_courses", str(EXAMPLE))
    out = capsys.readouterr().out
    assert "Created course 12/2027 “SIENA for SPOC operators”" in out
    assert "4 created, 0 updated, 0 unchanged." in out
    call_command("import_courses", str(EXAMPLE), "--dry-run")
    assert "0 would be created, 0 would be updated, 4 unchanged." in capsys.readouterr().out
