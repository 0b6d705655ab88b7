"""CEPOL's course catalogue from a CSV file: `manage.py import_courses FILE.csv`.

The format is documented in docs/training.md ("Importing CEPOL's catalogue"); an example is
`training/fixtures/cepol_catalogue.csv`. One row per course, a header row naming the columns
(in any order, case and spaces ignored):

    code, title, topic, level            required
    organiser (default cepol), organiser_country, language (default en),
    description, prerequisites, second_approval (yes/no, default no)

The CEPOL activity code is the import key: a row whose code is already a course's updates that
course; any other row creates one. Codes must match TRAINING_CEPOL_CODE_PATTERN (the pattern the
course form uses). Sessions are not imported: their dates, quotas and trainers are planned in
the portal.

All or nothing, as `manage.py import_knowledge`: every row is checked first and every problem
reported as `path:line: problem` (knowledge.interchange.Problem); if there is any, nothing is
written. Otherwise everything is written in one transaction; an unchanged course is not
touched (a second import of the same file changes nothing)."""

import csv
import dataclasses
import io
from pathlib import Path

from django.db import IntegrityError, transaction
from django.utils import timezone

from knowledge.interchange import ImportReport, Problem
from portal.reference import country_by_code
from training import conf
from training.models import LANGUAGES, Course, Level, TrainingTopic

MAX_FILE_BYTES = 2_000_000
MAX_ROWS = 5_000
REQUIRED = ("code", "title", "topic", "level")
OPTIONAL = (
    "organiser",
    "organiser_country",
    "language",
    "description",
    "prerequisites",
    "second_approval",
)
COLUMNS = REQUIRED + OPTIONAL
# What a course record is compared on (an unchanged row writes nothing).
FIELDS = (
    "title",
    "topic_id",
    "level",
    "organiser",
    "organiser_country_id",
    "language",
    "description",
    "prerequisites",
    "second_approval",
)
TRUE_WORDS = {"yes", "true", "1", "y"}
FALSE_WORDS = {"no", "false", "0", "n", ""}
MAX_TEXT = 20_000


class CourseImportError(Exception):
    """The import found problems and wrote nothing; `problems` lists them all."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclasses.dataclass
class CourseRow:
    line: int
    code: str
    values: dict  # Course field -> value (topic and organiser_country as objects)

    @property
    def label(self):
        return f"course {self.code} “{self.values['title']}”"


def _normalise_header(name):
    return (name or "").strip().lower().replace(" ", "_").replace("-", "_")


def _read_text(path, display):
    """(text, problems) of the file: UTF-8 (a BOM is dropped), at most MAX_FILE_BYTES."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                Problem(
                    display, 1, f"file too large: {size:,} bytes (the limit is {MAX_FILE_BYTES:,})"
                )
            ]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 0, f"cannot read the file: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Problem(
                display,
                line,
                f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            )
        ]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(display, line, "the file contains a NUL character: not a CSV file")]
    return text.removeprefix("\ufeff"), []


def _records(text, display):
    """[(line, [cells])] of the CSV text, the line being where the record starts; problems
    for broken quoting."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            return records, [Problem(display, start, f"broken CSV: {exc}")]
        # Blank lines between records: the record starts after them.
        records.append((start, cells))
    return records, []


def _lookups():
    topics = {}
    for topic in TrainingTopic.objects.all():
        topics[topic.slug.lower()] = topic
        topics[topic.name.lower()] = topic
    levels = {}
    for level in Level:
        levels[level.value] = level.value
        levels[level.label.lower()] = level.value
    languages = {}
    for code, name in LANGUAGES:
        languages[code] = code
        languages[name.lower()] = code
    existing_topics = dict(
        Course.objects.exclude(cepol_code="").values_list("cepol_code", "topic_id")
    )
    return topics, levels, languages, existing_topics


def _check_row(cells, columns, lookups, line, display):
    """(CourseRow or None, [Problem]) for one data row."""
    topics, levels, languages, existing_topics = lookups
    problems = []

    def problem(column, message):
        problems.append(Problem(display, line, f"{column}: {message}"))

    raw = {column: (cells[index] or "").strip() for index, column in enumerate(columns)}
    for column in REQUIRED:
        if not raw.get(column):
            problem(column, "required, the cell is empty")
    code = raw.get("code", "")
    if code and (len(code) > 30 or not conf.cepol_code_matches(code)):
        problem(
            "code",
            f"“{code}” is not a CEPOL activity code (expected e.g. 12/2027; the accepted form "
            "is set by TRAINING_CEPOL_CODE_PATTERN)",
        )
    title = raw.get("title", "")
    if len(title) > 200:
        problem("title", f"too long: {len(title)} characters (200 at most)")
    topic = None
    if raw.get("topic"):
        topic = topics.get(raw["topic"].lower())
        if topic is None:
            problem(
                "topic",
                f"unknown topic “{raw['topic']}” (give the slug or name of a training topic, "
                "e.g. siena)",
            )
    level = None
    if raw.get("level"):
        level = levels.get(raw["level"].lower())
        if level is None:
            problem("level", f"“{raw['level']}” is not one of {', '.join(Level.values)}")
    organiser = (raw.get("organiser") or Course.Organiser.CEPOL).lower()
    if organiser not in Course.Organiser.values:
        problem(
            "organiser",
            f"“{raw['organiser']}” is not one of {', '.join(Course.Organiser.values)}",
        )
    country = None
    country_code = raw.get("organiser_country", "")
    if organiser == Course.Organiser.COUNTRY:
        if not country_code:
            problem("organiser_country", "required when the organiser is a country")
        else:
            country = country_by_code(country_code) if len(country_code) == 2 else None
            if country is None:
                problem(
                    "organiser_country",
                    f"“{country_code}” is not a country of the network (give its ISO code, "
                    "e.g. BE)",
                )
    elif country_code:
        problem("organiser_country", "only for courses whose organiser is a country")
    language = languages.get((raw.get("language") or "en").lower())
    if language is None:
        problem(
            "language",
            f"“{raw['language']}” is not a course language (give its code, e.g. en, or its name)",
        )
    second = (raw.get("second_approval") or "").lower()
    if second not in TRUE_WORDS | FALSE_WORDS:
        problem("second_approval", f"“{raw['second_approval']}” is not yes or no")
    for column in ("description", "prerequisites"):
        if len(raw.get(column, "")) > MAX_TEXT:
            problem(column, f"too long (at most {MAX_TEXT:,} characters)")
    if topic is not None and not topic.active:
        # A retired topic is refused for new courses, kept for a course that already has it.
        if existing_topics.get(code) != topic.pk:
            problem("topic", f"the topic “{topic.name}” is retired")
    if problems:
        return None, problems
    return (
        CourseRow(
            line=line,
            code=code,
            values={
                "title": title,
                "topic": topic,
                "level": level,
                "organiser": organiser,
                "organiser_country": country,
                "language": language,
                "description": raw.get("description", ""),
                "prerequisites": raw.get("prerequisites", ""),
                "second_approval": second in TRUE_WORDS,
            },
        ),
        [],
    )


def plan_import(path, display=None):
    """([CourseRow], [Problem]): every row of the file checked, nothing written."""
    display = display or str(path)
    text, problems = _read_text(path, display)
    if problems:
        return [], problems
    records, problems = _records(text, display)
    records = [(line, cells) for line, cells in records if any(c.strip() for c in cells)]
    if not records:
        return [], problems or [Problem(display, 1, "empty file: no header row")]
    header_line, header = records[0]
    columns = [_normalise_header(name) for name in header]
    seen = set()
    for name in columns:
        if name not in COLUMNS:
            problems.append(
                Problem(
                    display,
                    header_line,
                    f"unknown column “{name}” (the columns are: {', '.join(COLUMNS)})",
                )
            )
        elif name in seen:
            problems.append(Problem(display, header_line, f"column “{name}” appears twice"))
        seen.add(name)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        problems.append(
            Problem(
                display,
                header_line,
                f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
            )
        )
    if problems:
        return [], problems
    rows = records[1:]
    if not rows:
        return [], [Problem(display, header_line, "no courses: the file has only the header row")]
    if len(rows) > MAX_ROWS:
        return [], [Problem(display, rows[MAX_ROWS][0], f"too many rows (at most {MAX_ROWS:,})")]
    lookups = _lookups()
    planned = []
    first_line_of = {}
    for line, cells in rows:
        if len(cells) != len(columns):
            problems.append(
                Problem(
                    display,
                    line,
                    f"{len(cells)} cells, the header has {len(columns)} (quote cells that "
                    "contain commas)",
                )
            )
            continue
        row, row_problems = _check_row(cells, columns, lookups, line, display)
        problems += row_problems
        if row is None:
            continue
        if row.code in first_line_of:
            problems.append(
                Problem(
                    display,
                    line,
                    f"code: {row.code} is already on line {first_line_of[row.code]}",
                )
            )
            continue
        first_line_of[row.code] = line
        planned.append(row)
    return planned, problems


def _record(course):
    return {name: getattr(course, name) for name in FIELDS}


def _wanted(row):
    values = dict(row.values)
    topic, country = values.pop("topic"), values.pop("organiser_country")
    values["topic_id"] = topic.pk
    values["organiser_country_id"] = country.pk if country else None
    return values


def courses_import(*, path, dry_run=False, now=None, display=None):
    """Import CEPOL's catalogue from the CSV file at `path`, all or nothing. Raises
    CourseImportError with every problem found; returns an ImportReport (labels and
    `path:line` of the rows created, updated and unchanged)."""
    display = display or str(path)
    now = now or timezone.now()
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        planned, problems = plan_import(path, display)
        if problems:
            raise CourseImportError(problems)
        existing = {
            course.cepol_code: course
            for course in Course.objects.select_for_update().filter(
                cepol_code__in=[row.code for row in planned]
            )
        }
        for row in planned:
            entry = (row.label, f"{display}:{row.line}")
            course = existing.get(row.code)
            wanted = _wanted(row)
            if course is not None and _record(course) == wanted:
                report.unchanged.append(entry)
                continue
            (report.updated if course is not None else report.created).append(entry)
            if dry_run:
                continue
            try:
                if course is None:
                    Course.objects.create(
                        cepol_code=row.code, created_at=now, updated_at=now, **wanted
                    )
                else:
                    for name, value in wanted.items():
                        setattr(course, name, value)
                    course.updated_at = now
                    course.save()
            except IntegrityError as exc:
                raise CourseImportError(
                    [Problem(display, row.line, f"cannot save {row.label}: {exc}")]
                ) from exc
    return report
