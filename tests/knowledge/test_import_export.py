"""import_knowledge / export_knowledge: the Markdown + YAML front matter format
(docs/knowledge-format.md), all-or-nothing imports with `path:line: problem` errors, updates
in place with a new revision, and the export -> import round trip."""

import datetime
import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Revision

from knowledge.interchange import KnowledgeImportError, knowledge_import
from knowledge.interchange.format import (
    CONTACT_KEYS,
    KEYS,
    LEGAL_BASIS_KEYS,
    MAX_FILE_BYTES,
    RULE_KEYS,
)
from knowledge.interchange.records import page_record
from knowledge.interchange.richtext import canonical_html, html_to_markdown, markdown_to_html
from knowledge.models import (
    BestPracticePage,
    FactSheetPage,
    KnowledgeDocumentPage,
    ObstaclePage,
    ObstacleStatusChange,
)
from knowledge.topics import TOPIC_SLUGS
from tests.knowledge.factories import make_obstacle, make_practice, make_sheet

FIXTURES = Path(__file__).parent / "fixtures" / "import"
SAMPLE = FIXTURES / "sample"
MIXED = FIXTURES / "mixed"
DOC = Path(__file__).resolve().parents[2] / "docs" / "knowledge-format.md"


def revisions_of(page):
    return Revision.page_revisions.filter(object_id=str(page.pk)).count()


def all_revisions():
    return Revision.page_revisions.count()


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_import(*paths, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_knowledge", *[str(p) for p in paths], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def import_errors(*paths):
    """The stderr lines of a failing import (and check that it failed)."""
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_knowledge", *[str(p) for p in paths], stdout=io.StringIO(), stderr=err)
    return err.getvalue().splitlines()


FACTSHEET = """\
---
kind: factsheet
title: Languages of Belgium
country: BE
topic: languages
reviewed: 2026-01-15
---

Dutch, French and German.
"""


# --- Rich text <-> Markdown (no database) ----------------------------------------------------


ROUND_TRIPS = [
    "Plain paragraph.",
    "**Bold**, *italic*, ***both*** and [a link](https://eur-lex.europa.eu/).",
    "## Heading\n\n### Sub-heading\n\nText.",
    "- one\n- two\n    - nested\n- three",
    "1. first\n2. second\n\n- bullets after numbers",
    "Escapes: 5 \\* 3, snake\\_case, \\[brackets\\], a\\\\b, &lt;tag> and &amp;amp;",
    "\\# not a heading",
    "1\\. not a list",
    "\\- not a bullet",
    "A line<br>break",
    "[Internal page](page:3) and [a document](document:7)",
    "foo**bar**baz",
    "***x** y*",
    "[odd (url)](<https://example.eu/a_(b)>)",
]


@pytest.mark.parametrize("source", ROUND_TRIPS)
def test_markdown_round_trip_is_stable(source):
    html, problems = markdown_to_html(source)
    assert problems == []
    exported = html_to_markdown(html)
    assert exported == source
    again, _problems = markdown_to_html(exported)
    assert again == html


FUZZ_TEXT = [
    "word",
    " ",
    "*",
    "_",
    "**",
    "#",
    "1.",
    "- ",
    "+",
    ">",
    "<x>",
    "&",
    "&amp;",
    "[",
    "]",
    "(",
    ")",
    "\\",
    "`",
    "!",
    "é",
    "\xa0",
    "x_y",
    "R&D",
    "&#38",
    "page:1",
    "|",
]
FUZZ_HREFS = [
    "https://eur-lex.europa.eu/",
    "https://x.eu/a_(b)",
    "mailto:a@b.eu",
    "page:3",
    "document:9",
    "/knowledge/",
    "https://x.eu/a b",
    "https://x.eu/?q=1&r=2",
]


def _fuzz_inlines(rng, depth=0):
    out = []
    for _ in range(rng.randint(1, 5)):
        pick = rng.random()
        if pick < 0.55 or depth > 2:
            out.append(rng.choice(FUZZ_TEXT))
        elif pick < 0.65:
            out.append("<br/>")
        else:
            tag = rng.choice(["b", "i", "strong", "em", "a"])
            inner = _fuzz_inlines(rng, depth + 1)
            if tag == "a":
                out.append(f'<a href="{rng.choice(FUZZ_HREFS)}">{inner}</a>')
            else:
                out.append(f"<{tag}>{inner}</{tag}>")
    return "".join(out)


def _fuzz_list(rng, depth=0):
    tag = rng.choice(["ul", "ol"])
    items = ""
    for _ in range(rng.randint(1, 3)):
        sub = _fuzz_list(rng, depth + 1) if depth < 2 and rng.random() < 0.3 else ""
        items += f"<li>{_fuzz_inlines(rng)}{sub}</li>"
    return f"<{tag}>{items}</{tag}>"


def test_any_rich_text_survives_export_and_import():
    # Random rich text with every character Markdown treats specially: exporting it and
    # importing the Markdown gives the same rich text (in its canonical form).
    import random

    rng = random.Random(20261123)  # noqa: S311 - a fixed, reproducible sample
    for _ in range(400):
        blocks = []
        for _ in range(rng.randint(1, 4)):
            pick = rng.random()
            if pick < 0.5:
                blocks.append(f"<p>{_fuzz_inlines(rng)}</p>")
            elif pick < 0.7:
                tag = rng.choice(["h2", "h3"])
                blocks.append(f"<{tag}>{_fuzz_inlines(rng)}</{tag}>")
            else:
                blocks.append(_fuzz_list(rng))
        stored = "".join(blocks)
        exported = html_to_markdown(stored)
        imported, problems = markdown_to_html(exported)
        assert problems == [], (stored, exported)
        assert imported == canonical_html(stored), (stored, exported)


def test_editor_markup_exports_and_compares_equal():
    # Draftail's markup: block keys, <b>/<i>, linktype links, empty paragraphs.
    admin_html = (
        '<p data-block-key="a1">Officers of <b>Germany</b> may <i>not</i> apprehend, see '
        '<a linktype="page" id="12">the sheet</a>.</p><p data-block-key="a2"></p>'
        '<ul><li data-block-key="b1">notify the CIC</li><li data-block-key="b2">hand over'
        "</li></ul>"
    )
    markdown = html_to_markdown(admin_html)
    assert markdown == (
        "Officers of **Germany** may *not* apprehend, see [the sheet](page:12).\n\n"
        "- notify the CIC\n- hand over"
    )
    html, _problems = markdown_to_html(markdown)
    assert html == canonical_html(admin_html)
    assert 'linktype="page" id="12"' in html


def test_loose_lists_and_wrapped_lines_are_normalised():
    html, _problems = markdown_to_html("- a\n\n- b\n\nline one\nline two")
    assert html == "<ul><li>a</li><li>b</li></ul><p>line one line two</p>"


@pytest.mark.parametrize(
    ("source", "line", "fragment"),
    [
        ("Intro\n\n# Title", 3, "a '#' heading"),
        ("Text\n\n#### Deep", 3, "a heading below '###'"),
        ("> quoted", 1, "a quotation"),
        ("one\n\n    code block", 3, "a code block"),
        ("one\n\nsome `code`", 3, "code (backticks"),
        ("see ![map](map.png)", 1, "an image"),
        ("a\n\n<div>raw</div>", 3, "HTML <div>"),
        ("a\n\n<script>alert(1)</script>", 3, "HTML <script>"),
        ("a [click](javascript:alert(1))", 1, "link to 'javascript:alert(1)' is not allowed"),
    ],
)
def test_markdown_the_rich_text_cannot_hold_is_an_error(source, line, fragment):
    html, problems = markdown_to_html(source)
    assert html is None
    assert [found_line for found_line, _message in problems] == [line]
    assert fragment in problems[0][1]


# --- Importing the sample folder: each kind ----------------------------------------------------


@pytest.mark.django_db
def test_import_creates_each_kind_published_with_one_revision():
    out, _err = run_import(SAMPLE)
    assert "5 created, 0 updated, 0 unchanged" in out

    sheet = FactSheetPage.objects.get(country__code="BE", topic="hot-pursuit")
    assert sheet.live and not sheet.has_unpublished_changes
    assert revisions_of(sheet) == 1
    assert sheet.title == "Hot pursuit into Belgium"
    assert sheet.slug == "hot-pursuit-into-belgium"
    assert sheet.last_reviewed == datetime.date(2026, 5, 4)
    assert sheet.review_interval_months == 12
    assert sheet.get_parent().specific.country.code == "BE"
    nl, de = sheet.cross_border_rules.all()
    assert (nl.neighbour.code, nl.apprehension, nl.limit_km, nl.limit_hours) == (
        "NL",
        "b",  # right to apprehend (Art. 41(2)(b))
        None,
        None,
    )
    assert (nl.offences, nl.transport) == ("extraditable", "land,sea")
    # the action defaults to the topic's action; a single transport may be a plain word
    assert (de.action, de.neighbour.code, de.limit_km, de.limit_hours) == (
        "hot_pursuit",
        "DE",
        10,
        1,
    )
    assert de.transport == "land"
    assert de.conditions.startswith("Notify the CIC before crossing the border.\nOnly")
    (contact,) = sheet.contact_points.all()
    assert (contact.service, contact.available_24_7, contact.languages) == (
        "spoc",
        True,
        "nl,fr,en",
    )
    (basis,) = sheet.legal_bases.all()
    assert (basis.reference, basis.as_of) == ("Art. 41 CISA", datetime.date(2024, 1, 1))
    assert "<h2>In short</h2>" in sheet.body
    assert "<b>the Netherlands</b>" in sheet.body
    assert "<ul><li>Notify the CIC when crossing.</li>" in sheet.body
    assert "no limit in time" in sheet.structured_text()

    practice = BestPracticePage.objects.get(slug="shared-inbox-triage")
    assert practice.live and revisions_of(practice) == 1
    assert sorted(c.code for c in practice.countries.all()) == ["BE", "NL"]
    assert practice.category == "workflow"
    assert sorted(tag.name for tag in practice.tags.all()) == ["inbox", "triage"]
    assert "<ol><li>Register the request.</li>" in practice.body

    obstacle = ObstaclePage.objects.get(slug="no-common-working-language-on-night-shifts")
    assert (obstacle.kind, obstacle.status) == ("pragmatic", "under_discussion")
    assert sorted(c.code for c in obstacle.countries.all()) == ["DE", "PL"]
    assert "<i>standard phrases</i>" in obstacle.proposed_solutions
    assert "urgent requests wait for the morning shift" in obstacle.description
    # publishing recorded the status in the obstacle's history
    assert ObstacleStatusChange.objects.filter(
        obstacle=obstacle, to_status="under_discussion"
    ).exists()

    document = KnowledgeDocumentPage.objects.get(slug="handbook-cross-border")
    assert document.topic == "hot-pursuit"
    assert sorted(c.code for c in document.countries.all()) == ["BE", "DE", "FR"]


@pytest.mark.django_db
def test_el_is_accepted_for_greece():
    run_import(SAMPLE / "factsheets" / "GR" / "channels-and-contact-points.md")
    sheet = FactSheetPage.objects.get(topic="channels-and-contact-points")
    assert sheet.country.code == "GR"
    (contact,) = sheet.contact_points.all()
    assert (contact.available_24_7, contact.languages) == (True, "el,en")


@pytest.mark.django_db
def test_unchanged_reimport_creates_no_revision():
    run_import(SAMPLE)
    before = all_revisions()
    out, _err = run_import(SAMPLE)
    assert "0 created, 0 updated, 5 unchanged" in out
    assert all_revisions() == before


@pytest.mark.django_db
def test_changed_file_updates_the_page_in_place_with_a_new_revision(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(SAMPLE, folder)
    run_import(folder)
    sheet = FactSheetPage.objects.get(country__code="BE", topic="hot-pursuit")
    practice = BestPracticePage.objects.get(slug="shared-inbox-triage")
    path = folder / "factsheets" / "BE" / "hot-pursuit.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace("limit_km: 10", "limit_km: 15").replace("## In short", "## Summary")
    path.write_text(text, encoding="utf-8")

    out, _err = run_import(folder)

    assert "Updated factsheet BE/hot-pursuit" in out
    assert "0 created, 1 updated, 4 unchanged" in out
    updated = FactSheetPage.objects.get(country__code="BE", topic="hot-pursuit")
    assert updated.pk == sheet.pk
    assert revisions_of(updated) == 2
    assert updated.live_revision_id == updated.latest_revision_id
    assert updated.cross_border_rules.get(neighbour__code="DE").limit_km == 15
    assert updated.cross_border_rules.count() == 2
    assert "<h2>Summary</h2>" in updated.body
    assert revisions_of(practice) == 1


@pytest.mark.django_db
def test_obstacle_status_change_by_import_is_recorded_in_its_history(tmp_path):
    make_obstacle("Slow replies", countries=("BE", "NL"), kind="legal", status="open")
    write(
        tmp_path,
        "slow.md",
        "---\nkind: obstacle\ntitle: Slow replies\ncountry: [BE, NL]\nobstacle_kind: legal\n"
        "status: solved\n---\n\nSlow replies.\n",
    )
    run_import(tmp_path)
    obstacle = ObstaclePage.objects.get(slug="slow-replies")
    assert obstacle.status == "solved"
    assert list(obstacle.status_changes.values_list("from_status", "to_status"))[-1] == (
        "open",
        "solved",
    )


@pytest.mark.django_db
def test_import_keeps_a_legal_basis_document_and_the_meeting_links(tmp_path):
    sheet = make_sheet("BE", "languages", bases=[{"title": "Language act", "reference": "Art. 1"}])
    from wagtail.documents import get_document_model

    document = get_document_model().objects.create(title="Act", file="documents/act.pdf")
    sheet.legal_bases.update(document=document)
    write(
        tmp_path,
        "languages.md",
        "---\nkind: factsheet\ntitle: New title\nslug: " + sheet.slug + "\ncountry: BE\n"
        "topic: languages\nreviewed: 2026-06-01\nlegal_basis:\n- title: Language act\n"
        "  reference: Art. 1\n---\n",
    )
    run_import(tmp_path)
    sheet = FactSheetPage.objects.get(pk=sheet.pk)
    assert sheet.title == "New title"
    assert sheet.legal_bases.get().document == document


@pytest.mark.django_db
def test_missing_reviewed_keeps_the_date_on_update(tmp_path):
    sheet = make_sheet("BE", "languages", last_reviewed=datetime.date(2025, 3, 1))
    write(
        tmp_path,
        "l.md",
        f"---\nkind: factsheet\ntitle: {sheet.title}\nslug: {sheet.slug}\ncountry: BE\n"
        "topic: languages\n---\nNew body.\n",
    )
    run_import(tmp_path)
    sheet = FactSheetPage.objects.get(pk=sheet.pk)
    assert sheet.last_reviewed == datetime.date(2025, 3, 1)
    assert "New body." in sheet.body


# --- All or nothing --------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_bad_file_imports_nothing():
    pages_before = BestPracticePage.objects.count() + FactSheetPage.objects.count()
    revisions_before = all_revisions()

    errors = import_errors(MIXED)

    assert errors == [
        f"{MIXED / 'b-bad.md'}:4: unknown country 'XX' (use an ISO 3166 code such as BE, "
        "or EL for Greece)"
    ]
    assert not BestPracticePage.objects.filter(title="Weekly case review").exists()
    assert BestPracticePage.objects.count() + FactSheetPage.objects.count() == pages_before
    assert all_revisions() == revisions_before


@pytest.mark.django_db
def test_a_failed_import_leaves_existing_content_untouched(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(SAMPLE, folder)
    run_import(folder)
    sheet = FactSheetPage.objects.get(country__code="BE", topic="hot-pursuit")
    record_before = page_record(sheet)
    revisions_before = all_revisions()
    path = folder / "factsheets" / "BE" / "hot-pursuit.md"
    path.write_text(path.read_text().replace("limit_km: 10", "limit_km: 99"), encoding="utf-8")
    write(folder, "practices/broken.md", "---\nkind: practice\ntitle: [unclosed\n---\n")

    errors = import_errors(folder)

    assert len(errors) == 1 and "broken.md:3: broken YAML" in errors[0]
    sheet = FactSheetPage.objects.get(pk=sheet.pk)
    assert page_record(sheet) == record_before
    assert sheet.cross_border_rules.get(neighbour__code="DE").limit_km == 10
    assert all_revisions() == revisions_before


@pytest.mark.django_db
def test_every_problem_of_every_file_is_reported(tmp_path):
    write(tmp_path, "a.md", FACTSHEET.replace("country: BE", "country: XX"))
    write(tmp_path, "b.md", FACTSHEET.replace("topic: languages", "topic: weather"))
    write(tmp_path, "c.md", "no front matter\n")
    errors = import_errors(tmp_path)
    assert [error.split(": ")[0] for error in errors] == [
        f"{tmp_path / 'a.md'}:4",
        f"{tmp_path / 'b.md'}:5",
        f"{tmp_path / 'c.md'}:1",
    ]


# --- Error messages name the file and the line --------------------------------------------------


ERROR_CASES = {
    "broken_yaml": (
        "---\nkind: practice\ntitle: [unclosed\ncategory: legal\n---\n",
        4,
        "broken YAML",
    ),
    "yaml_indentation": (
        "---\nkind: practice\ntitle: T\n  category: legal\n---\n",
        4,
        "broken YAML",
    ),
    "no_front_matter": ("# Just Markdown\n", 1, "no front matter"),
    "front_matter_not_closed": ("---\nkind: practice\ntitle: T\n", 1, "not closed"),
    "empty_front_matter": ("---\n---\nBody\n", 2, "the front matter is empty"),
    "unknown_kind": ("---\ntitle: T\nkind: recipe\n---\n", 3, "unknown kind 'recipe'"),
    "missing_kind": ("---\ntitle: T\n---\n", 1, "missing 'kind'"),
    "unknown_key": (FACTSHEET.replace("reviewed:", "reveiwed:"), 6, "did you mean 'reviewed'"),
    "key_of_another_kind": (
        FACTSHEET.replace("reviewed: 2026-01-15", "reviewed: 2026-01-15\ntags: [x]"),
        7,
        "unknown key 'tags' for a factsheet",
    ),
    "duplicate_yaml_key": (
        FACTSHEET.replace("topic: languages", "topic: languages\ntopic: arms"),
        6,
        "duplicate key 'topic' (first on line 5)",
    ),
    "missing_title": (FACTSHEET.replace("title: Languages of Belgium\n", ""), 1, "missing 'title'"),
    "unknown_country": (FACTSHEET.replace("country: BE", "country: BX"), 4, "unknown country 'BX'"),
    "unknown_country_in_list": (
        "---\nkind: practice\ntitle: T\ncategory: legal\ncountry:\n- BE\n- ZZ\n---\n",
        7,
        "unknown country 'ZZ'",
    ),
    "unknown_topic": (FACTSHEET.replace("topic: languages", "topic: weather"), 5, "unknown topic"),
    "factsheet_without_topic": (FACTSHEET.replace("topic: languages\n", ""), 1, "missing 'topic'"),
    "factsheet_with_two_countries": (
        FACTSHEET.replace("country: BE", "country: [BE, NL]"),
        4,
        "a fact sheet belongs to one country",
    ),
    "factsheet_without_country": (
        FACTSHEET.replace("country: BE\n", ""),
        1,
        "missing 'country'",
    ),
    "bad_date": (FACTSHEET.replace("2026-01-15", "2026-13-01"), 6, "'reviewed' is not a date"),
    "reviewed_in_the_future": (
        FACTSHEET.replace("2026-01-15", "2999-01-01"),
        6,
        "'reviewed' is in the future",
    ),
    "not_a_date": (FACTSHEET.replace("2026-01-15", "last spring"), 6, "write YYYY-MM-DD"),
    "bad_rule_key": (
        FACTSHEET.replace(
            "reviewed: 2026-01-15",
            "reviewed: 2026-01-15\nrules:\n- action: hot_pursuit\n  neighbour: NL\n  limit_kms: 5",
        ),
        10,
        "unknown key 'limit_kms' for a 'rules' entry; did you mean 'limit_km'?",
    ),
    "bad_rule_number": (
        FACTSHEET.replace(
            "reviewed: 2026-01-15",
            "reviewed: 2026-01-15\nrules:\n- action: hot_pursuit\n  neighbour: NL\n"
            "  limit_hours: two",
        ),
        10,
        "'limit_hours' must be a whole number",
    ),
    "apprehension_outside_hot_pursuit": (
        FACTSHEET.replace(
            "reviewed: 2026-01-15",
            "reviewed: 2026-01-15\nrules:\n- action: surveillance\n  neighbour: NL\n"
            "  apprehension: b",
        ),
        10,
        "'apprehension' applies to hot pursuit only",
    ),
    "bad_contact_email": (
        FACTSHEET.replace(
            "reviewed: 2026-01-15",
            "reviewed: 2026-01-15\ncontacts:\n- service: spoc\n  name: SPOC\n  email: nobody",
        ),
        10,
        "not an email address",
    ),
    "unknown_category": (
        "---\nkind: practice\ntitle: T\ncategory: gardening\n---\n",
        4,
        "unknown category 'gardening'",
    ),
    "obstacle_without_description": (
        "---\nkind: obstacle\ntitle: T\nobstacle_kind: legal\n---\n",
        1,
        "an obstacle needs a body",
    ),
    "unsupported_markdown_in_body": (
        FACTSHEET.replace("Dutch, French and German.", "Intro.\n\n# Big title"),
        11,
        "a '#' heading",
    ),
    "link_to_missing_page": (
        FACTSHEET.replace("Dutch, French and German.", "See\n[this](page:999999)."),
        10,
        "link to page:999999: no such page",
    ),
    "bad_language": (
        FACTSHEET.replace("topic: languages", "topic: languages\nlanguage: eng"),
        6,
        "ISO 639-1",
    ),
    "bad_slug": (
        FACTSHEET.replace("title:", "slug: not a slug\ntitle:"),
        3,
        "'slug' may hold only",
    ),
    # Aliases could expand a few lines into billions of values, or refer to themselves.
    "yaml_alias_bomb": (
        FACTSHEET.replace(
            "topic: languages",
            "topic: languages\nlaughs: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
            + "".join(f"l{n}: &b{n} [*{'a' if n == 0 else f'b{n - 1}'}] \n" for n in range(9)),
        ),
        6,
        "YAML anchors (&a) are not allowed",
    ),
    "yaml_self_reference": (
        "---\nkind: fact_sheet\nloop: &x [*x]\n---\n",
        3,
        "not allowed",
    ),
    "yaml_too_deep": (
        "---\nkind: fact_sheet\ndeep: " + "[" * 50 + "]" * 50 + "\n---\n",
        3,
        "nests deeper than 10 levels",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", ERROR_CASES)
def test_error_names_file_line_and_problem(tmp_path, case):
    text, line, fragment = ERROR_CASES[case]
    path = write(tmp_path, f"{case}.md", text)
    errors = import_errors(path)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{path}:{line}: "), errors
    assert fragment in errors[0]


@pytest.mark.django_db
def test_file_too_large(tmp_path):
    path = write(tmp_path, "big.md", FACTSHEET + "x" * MAX_FILE_BYTES)
    assert import_errors(path) == [
        f"{path}:1: file too large: {path.stat().st_size:,} bytes (the limit is 1,000,000)"
    ]


@pytest.mark.django_db
def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.md"
    path.write_bytes(FACTSHEET.replace("Dutch", "Néerlandais").encode("latin-1"))
    (error,) = import_errors(path)
    assert error.startswith(f"{path}:9: not UTF-8 text")


@pytest.mark.django_db
def test_norway_is_not_false(tmp_path):
    # YAML 1.1 reads a bare NO as false; the importer reads it as written.
    write(
        tmp_path,
        "no.md",
        FACTSHEET.replace("country: BE", "country: NO").replace("Belgium", "Norway"),
    )
    run_import(tmp_path)
    assert FactSheetPage.objects.get(topic="languages").country.code == "NO"


@pytest.mark.django_db
def test_duplicate_item_across_files(tmp_path):
    write(tmp_path, "a.md", FACTSHEET)
    write(tmp_path, "b.md", FACTSHEET.replace("title: Languages of Belgium", "title: Other"))
    (error,) = import_errors(tmp_path)
    assert error.startswith(f"{tmp_path / 'b.md'}:3: duplicate: ")
    assert f"{tmp_path / 'a.md'} already holds factsheet BE/languages" in error


@pytest.mark.django_db
def test_duplicate_practice_slug_across_files(tmp_path):
    practice = "---\nkind: practice\ntitle: Shift handover\ncategory: workflow\n---\n"
    write(tmp_path, "one.md", practice)
    write(tmp_path, "two.md", practice.replace("Shift handover", "Shift Handover!"))
    (error,) = import_errors(tmp_path)
    assert error.startswith(f"{tmp_path / 'two.md'}:3: duplicate: ")


@pytest.mark.django_db
def test_fact_sheet_slug_used_by_another_topic(tmp_path):
    sheet = make_sheet("BE", "arms")
    write(tmp_path, "x.md", FACTSHEET.replace("title:", f"slug: {sheet.slug}\ntitle:"))
    (error,) = import_errors(tmp_path)
    assert error.startswith(f"{tmp_path / 'x.md'}:3: slug '{sheet.slug}' is already used")


@pytest.mark.django_db
def test_a_draft_waiting_for_review_is_not_overwritten_without_replace_drafts(tmp_path, admin):
    sheet = make_sheet("BE", "languages", summary="Old.")
    sheet.summary = "An editor's draft."
    sheet.save_revision()
    path = write(
        tmp_path,
        "l.md",
        f"---\nkind: factsheet\ntitle: {sheet.title}\nslug: {sheet.slug}\ncountry: BE\n"
        "topic: languages\nsummary: Imported.\nreviewed: 2026-06-01\n---\n",
    )
    (error,) = import_errors(path)
    assert "has unpublished changes" in error and "--replace-drafts" in error

    run_import(path, replace_drafts=True, user=admin.email)
    sheet = FactSheetPage.objects.get(pk=sheet.pk)
    assert sheet.summary == "Imported."
    assert not sheet.has_unpublished_changes
    assert sheet.live_revision.user == admin


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    revisions = all_revisions()
    out, _err = run_import(SAMPLE, dry_run=True)
    assert "Would create factsheet BE/hot-pursuit" in out
    assert "5 would be created" in out
    assert all_revisions() == revisions
    assert not FactSheetPage.objects.filter(country__code="BE", topic="hot-pursuit").exists()


def test_command_exit_codes(tmp_path, db):
    with pytest.raises(CommandError, match="nothing was imported"):
        run_import(tmp_path / "missing")
    with pytest.raises(CommandError, match="No user"):
        run_import(SAMPLE, user="nobody@example.eu")
    out, _err = run_import(SAMPLE)  # no exception: exit code 0
    assert "5 created" in out
    with pytest.raises(KnowledgeImportError):
        knowledge_import(paths=[MIXED])


# --- Export and the round trip --------------------------------------------------------------


def seed_content():
    """Content as editors make it in the admin (Draftail markup), plus the sample files."""
    make_sheet(
        "DE",
        "hot-pursuit",
        rules=[
            {
                "action": "hot_pursuit",
                "neighbour": "NL",
                "apprehension": "b",
                "limit_km": None,
                "limit_hours": 2,
                "offences": "list",
                "transport": "land,air",
                "notify": "Lagezentrum",
                "conditions": "Line one\r\nline two ",
            }
        ],
        contacts=[
            {"service": "sirene", "name": "SIRENE DE", "phone": "+49 1", "languages": "de,en"}
        ],
        bases=[{"title": "Polizeigesetz", "as_of": datetime.date(2023, 1, 1)}],
        body='<p data-block-key="k1">Officers of <b>NL</b> may  enter.</p>'
        '<ul><li data-block-key="k2">one</li></ul><p data-block-key="k3"></p>',
    )
    make_sheet("NO", "languages", summary="Norwegian: no, nb.")
    make_practice(
        "Joint training days", countries=("EE", "LV"), category="training", tags=("cepol",)
    )
    make_obstacle("Different case numbers", countries=("FR",), kind="technical")
    run_import(SAMPLE)


@pytest.mark.django_db
def test_export_writes_one_file_per_live_page(tmp_path):
    seed_content()
    make_sheet("FR", "arms", publish=False)
    out = io.StringIO()
    call_command("export_knowledge", str(tmp_path / "out"), stdout=out)
    files = sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.md")
    )
    assert files == [
        "documents/handbook-cross-border.md",
        "factsheets/BE/hot-pursuit.md",
        "factsheets/DE/hot-pursuit.md",
        "factsheets/GR/channels-and-contact-points.md",
        "factsheets/NO/languages.md",
        "obstacles/different-case-numbers.md",
        "obstacles/no-common-working-language-on-night-shifts.md",
        "practices/joint-training-days.md",
        "practices/shared-inbox-triage.md",
    ]
    assert "Wrote 9 files" in out.getvalue()
    text = (tmp_path / "out" / "factsheets" / "DE" / "hot-pursuit.md").read_text()
    assert text.startswith("---\nkind: factsheet\ntitle: ")
    assert "  transport: [land, air]\n" in text
    assert "  conditions: |-\n    Line one\n    line two\n" in text
    assert text.endswith("---\n\nOfficers of **NL** may enter.\n\n- one\n")
    assert "country: 'NO'" in (tmp_path / "out" / "factsheets" / "NO" / "languages.md").read_text()


@pytest.mark.django_db
def test_export_then_import_changes_nothing_and_export_again_is_identical(tmp_path):
    seed_content()
    pages = (
        list(FactSheetPage.objects.all())
        + list(BestPracticePage.objects.all())
        + list(ObstaclePage.objects.all())
        + list(KnowledgeDocumentPage.objects.all())
    )
    records = {page.pk: page_record(page) for page in pages}
    bodies = {page.pk: (page.title, getattr(page, "body", None), page.slug) for page in pages}
    revisions = all_revisions()
    first = tmp_path / "first"
    call_command("export_knowledge", str(first), stdout=io.StringIO())

    out, _err = run_import(first)

    assert "0 created, 0 updated, 9 unchanged" in out
    assert all_revisions() == revisions
    for model in (FactSheetPage, BestPracticePage, ObstaclePage, KnowledgeDocumentPage):
        for page in model.objects.all():
            assert page_record(page) == records[page.pk]
            assert (page.title, getattr(page, "body", None), page.slug) == bodies[page.pk]

    second = tmp_path / "second"
    call_command("export_knowledge", str(second), stdout=io.StringIO())
    first_files = {p.relative_to(first): p.read_bytes() for p in first.rglob("*.md")}
    second_files = {p.relative_to(second): p.read_bytes() for p in second.rglob("*.md")}
    assert first_files == second_files


@pytest.mark.django_db
def test_export_writes_the_published_content_not_a_draft(tmp_path):
    sheet = make_sheet("BE", "languages", summary="Published summary.")
    sheet.summary = "Draft summary."
    sheet.save_revision()
    call_command("export_knowledge", str(tmp_path), stdout=io.StringIO())
    text = (tmp_path / "factsheets" / "BE" / "languages.md").read_text()
    assert "summary: Published summary.\n" in text
    assert "Draft" not in text


@pytest.mark.django_db
def test_links_to_portal_pages_and_documents_are_stored_as_internal_links(tmp_path):
    from wagtail.documents import get_document_model

    from knowledge.models import KnowledgeIndexPage

    index = KnowledgeIndexPage.objects.get()
    document = get_document_model().objects.create(title="Act", file="documents/act.pdf")
    write(
        tmp_path,
        "l.md",
        FACTSHEET.replace(
            "Dutch, French and German.",
            f"See [the knowledge base](page:{index.pk}) and [the act](document:{document.pk}).",
        ),
    )
    run_import(tmp_path)
    body = FactSheetPage.objects.get(topic="languages").body
    assert f'<a linktype="page" id="{index.pk}">the knowledge base</a>' in body
    assert f'<a linktype="document" id="{document.pk}">the act</a>' in body


@pytest.mark.django_db
def test_demo_content_round_trips(tmp_path):
    from knowledge.demo import seed_fact_sheets, seed_practices_and_obstacles

    seed_fact_sheets({})
    seed_practices_and_obstacles({})
    count = (
        FactSheetPage.objects.live().count()
        + BestPracticePage.objects.live().count()
        + ObstaclePage.objects.live().count()
        + KnowledgeDocumentPage.objects.live().count()
    )
    assert count > 10
    revisions = all_revisions()
    call_command("export_knowledge", str(tmp_path / "a"), stdout=io.StringIO())
    out, _err = run_import(tmp_path / "a")
    assert f"0 created, 0 updated, {count} unchanged" in out
    assert all_revisions() == revisions
    call_command("export_knowledge", str(tmp_path / "b"), stdout=io.StringIO())
    assert {
        p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*.md")
    } == {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*.md")}


@pytest.mark.django_db
def test_export_into_a_folder_with_files_needs_overwrite(tmp_path):
    make_practice("Night desk", countries=("BE",))
    write(tmp_path, "practices/old.md", "stale")
    with pytest.raises(CommandError, match="--overwrite"):
        call_command("export_knowledge", str(tmp_path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("export_knowledge", str(tmp_path), overwrite=True, stdout=out)
    assert "Removed practices/old.md" in out.getvalue()
    assert sorted(p.name for p in (tmp_path / "practices").iterdir()) == ["night-desk.md"]


# --- The format documentation -------------------------------------------------------------------


def test_every_topic_slug_is_documented():
    text = DOC.read_text(encoding="utf-8")
    table = {match for match in re.findall(r"^\| `([a-z0-9-]+)` \|", text, re.MULTILINE)}
    assert set(TOPIC_SLUGS) <= table


def test_every_key_is_documented():
    text = DOC.read_text(encoding="utf-8")
    keys = {key for kind_keys in KEYS.values() for key in kind_keys}
    keys |= set(RULE_KEYS) | set(CONTACT_KEYS) | set(LEGAL_BASIS_KEYS)
    assert {key for key in keys if f"`{key}`" not in text} == set()
