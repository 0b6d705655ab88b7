"""The import: collect files, validate them all, check links, then write every page in one
transaction (or nothing, if any file has a problem).
"""

import dataclasses
import re
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Page

from knowledge.interchange.format import KnowledgeImportError, Problem
from knowledge.interchange.reader import read_source
from knowledge.interchange.records import page_record
from knowledge.interchange.richtext import find_line, internal_links
from knowledge.interchange.validation import validate_source
from knowledge.models import (
    BestPracticeIndexPage,
    BestPracticePage,
    ContactPoint,
    CountryFactSheetsPage,
    CrossBorderRule,
    DocumentIndexPage,
    FactSheetPage,
    KnowledgeDocumentPage,
    LegalBasis,
    ObstacleIndexPage,
    ObstaclePage,
)
from portal.models import Country

# =============================================================================================
# Import
# =============================================================================================


@dataclasses.dataclass
class ImportReport:
    created: list = dataclasses.field(default_factory=list)  # (label, path)
    updated: list = dataclasses.field(default_factory=list)
    unchanged: list = dataclasses.field(default_factory=list)
    dry_run: bool = False

    @property
    def summary(self):
        verb = "would be " if self.dry_run else ""
        return (
            f"{len(self.created)} {verb}created, {len(self.updated)} {verb}updated, "
            f"{len(self.unchanged)} unchanged"
        )


def run_import_command(command, run, *, errors, dry_run, verbosity):
    """A management command's all-or-nothing import: `run()` returns an ImportReport or raises
    one of `errors` carrying `.problems`; each problem goes to stderr as `path:line: problem`
    and the command fails, otherwise each change and the summary go to stdout."""
    try:
        report = run()
    except errors as exc:
        for problem in exc.problems:
            command.stderr.write(str(problem))
        count = len(exc.problems)
        raise CommandError(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
        ) from exc
    verb = "Would create" if dry_run else "Created"
    for label, where in report.created:
        command.stdout.write(f"{verb} {label} ({where})")
    verb = "Would update" if dry_run else "Updated"
    for label, where in report.updated:
        command.stdout.write(f"{verb} {label} ({where})")
    if verbosity > 1:
        for label, where in report.unchanged:
            command.stdout.write(f"Unchanged {label} ({where})")
    command.stdout.write(command.style.SUCCESS(report.summary + "."))
    return report


def collect_files(paths):
    """[(Path, display path)] of the Markdown files to import, sorted; problems for paths that
    do not exist or hold no Markdown file."""
    files = []
    problems = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                (candidate for candidate in path.rglob("*.md") if candidate.is_file()),
                key=lambda candidate: candidate.relative_to(path).as_posix(),
            )
            if not found:
                problems.append(Problem(str(raw), 0, "no .md files in this folder"))
            files += [(candidate, str(candidate)) for candidate in found]
        elif path.is_file():
            files.append((path, str(raw)))
        else:
            problems.append(Problem(str(raw), 0, "no such file or folder"))
    return files, problems


def _model_for(kind):

    return {
        "factsheet": FactSheetPage,
        "practice": BestPracticePage,
        "obstacle": ObstaclePage,
        "document": KnowledgeDocumentPage,
    }[kind]


def _existing_pages(items):
    """{item key: specific page} for the items that match a page."""

    found = {}
    sheets = [item for item in items if item.kind == "factsheet"]
    if sheets:
        countries = {item.country.pk for item in sheets}
        for page in FactSheetPage.objects.filter(country_id__in=countries).select_related(
            "country"
        ):
            found[("factsheet", page.country.code, page.topic)] = page
    for kind in ("practice", "obstacle", "document"):
        slugs = [item.record["slug"] for item in items if item.kind == kind]
        if slugs:
            for page in _model_for(kind).objects.filter(slug__in=slugs):
                found[(kind, page.slug)] = page
    return found


def _sheet_slugs(items):
    """{(country code, slug): (topic, title)} of existing fact sheets in the imported
    countries (a slug must be unique among a country's sheets)."""

    countries = {item.country.pk for item in items if item.kind == "factsheet"}
    return {
        (page.country.code, page.slug): page.topic
        for page in FactSheetPage.objects.filter(country_id__in=countries).select_related("country")
    }


def _check_links(items, problems):

    wanted = {"page": set(), "document": set()}
    for item in items:
        for html_text in item.html.values():
            for linktype, ids in internal_links(html_text).items():
                wanted[linktype] |= ids
    existing = {
        "page": set(Page.objects.filter(pk__in=wanted["page"]).values_list("pk", flat=True)),
        "document": set(
            get_document_model()
            .objects.filter(pk__in=wanted["document"])
            .values_list("pk", flat=True)
        ),
    }
    for item in items:
        for field, html_text in item.html.items():
            for linktype, ids in internal_links(html_text).items():
                for missing in sorted(ids - existing[linktype]):
                    source = item.source
                    text = source.body if field == "body" else ""
                    offset = find_line(text, re.escape(f"{linktype}:{missing}")) if text else None
                    line = (
                        source.body_line + offset - 1
                        if offset
                        else source.line((field,))
                        if field != "body"
                        else source.body_line
                    )
                    problems.append(
                        Problem(
                            source.path, line, f"link to {linktype}:{missing}: no such {linktype}"
                        )
                    )


def plan_import(paths, *, replace_drafts=False):
    """Read and check everything; (items with their existing pages, problems). Reads only."""

    files, problems = collect_files(paths)
    countries_by_code = {country.code: country for country in Country.objects.all()}
    items = []
    for path, display in files:
        source, file_problems = read_source(path, display)
        problems += file_problems
        if source is None:
            continue
        item, item_problems = validate_source(source, countries_by_code)
        problems += item_problems
        if item is not None:
            items.append(item)

    # the same item twice
    first = {}
    for item in items:
        line = item.source.line(("slug",) if "slug" in item.source.data else ("title",))
        if item.key in first:
            other = first[item.key]
            problems.append(
                Problem(
                    item.source.path,
                    line,
                    f"duplicate: {other.source.path} already holds {item.label}",
                )
            )
        else:
            first[item.key] = item
    sheet_slugs_in_files = {}
    for item in items:
        if item.kind != "factsheet":
            continue
        slug_key = (item.record["country"], item.record["slug"])
        other = sheet_slugs_in_files.setdefault(slug_key, item)
        if other is not item and other.key != item.key:
            problems.append(
                Problem(
                    item.source.path,
                    item.source.line(("slug",) if "slug" in item.source.data else ("title",)),
                    f"slug '{item.record['slug']}' is also used by {other.source.path} for "
                    f"{item.record['country']}; a country's fact sheets need different slugs",
                )
            )

    existing = _existing_pages(items) if items else {}
    taken = _sheet_slugs(items) if any(item.kind == "factsheet" for item in items) else {}
    for item in items:
        if item.kind == "factsheet":
            topic = taken.get((item.record["country"], item.record["slug"]))
            if topic is not None and topic != item.record["topic"]:
                problems.append(
                    Problem(
                        item.source.path,
                        item.source.line(("slug",) if "slug" in item.source.data else ("title",)),
                        f"slug '{item.record['slug']}' is already used by the "
                        f"{item.record['country']} fact sheet on {topic}",
                    )
                )
        page = existing.get(item.key)
        if page is not None and not item.reviewed_given:
            item.record["reviewed"] = page.last_reviewed
        elif page is None and item.kind == "factsheet" and not item.reviewed_given:
            item.record["reviewed"] = timezone.localdate()
        if (
            page is not None
            and page.has_unpublished_changes
            and not replace_drafts
            and page_record(page) != item.record
        ):
            problems.append(
                Problem(
                    item.source.path,
                    1,
                    f"{item.label} has unpublished changes (a draft or a review in progress) "
                    "that the import would replace; publish or reject them in the admin first, "
                    "or import with --replace-drafts",
                )
            )
    _check_links(items, problems)
    return [(item, existing.get(item.key)) for item in items], problems


def _apply(page, item, countries_by_code):
    """Set the page's fields and child rows from the item (in memory; saved by the revision)."""

    record = item.record
    page.title = record["title"]
    page.draft_title = record["title"]
    page.slug = record["slug"]
    page.language = record["language"]
    kind = item.kind
    if kind == "factsheet":
        page.country = item.country
        page.topic = record["topic"]
        page.summary = record["summary"]
        page.last_reviewed = record["reviewed"]
        page.review_interval_months = record["review_interval_months"]
        page.body = item.html["body"]
        page.cross_border_rules = [
            CrossBorderRule(
                action=rule["action"],
                neighbour=countries_by_code[rule["neighbour"]],
                apprehension=rule["apprehension"],
                limit_km=rule["limit_km"],
                limit_hours=rule["limit_hours"],
                offences=rule["offences"],
                transport=",".join(rule["transport"]),
                notify=rule["notify"],
                conditions=rule["conditions"],
                sort_order=position,
            )
            for position, rule in enumerate(record["rules"])
        ]
        page.contact_points = [
            ContactPoint(
                service=contact["service"],
                name=contact["name"],
                available_24_7=contact["available_24_7"],
                phone=contact["phone"],
                email=contact["email"],
                languages=",".join(contact["languages"]),
                sort_order=position,
            )
            for position, contact in enumerate(record["contacts"])
        ]
        # A legal basis keeps the document attached to it in the admin (the file format does
        # not carry documents) when its title and reference are unchanged.
        documents = {}
        if page.pk:
            for basis in page.legal_bases.all():
                documents.setdefault((basis.title, basis.reference), basis.document_id)
        page.legal_bases = [
            LegalBasis(
                title=basis["title"],
                reference=basis["reference"],
                source=basis["source"],
                as_of=basis["as_of"],
                document_id=documents.get((basis["title"], basis["reference"])),
                sort_order=position,
            )
            for position, basis in enumerate(record["legal_basis"])
        ]
        return
    page.countries = list(item.countries)
    if kind == "practice":
        page.summary = record["summary"]
        page.category = record["category"]
        page.body = item.html["body"]
        page.tags.set(record["tags"])
    elif kind == "obstacle":
        page.kind = record["obstacle_kind"]
        page.status = record["status"]
        page.description = item.html["body"]
        page.proposed_solutions = item.html["proposed_solutions"]
        page.tags.set(record["tags"])
    else:
        page.summary = record["summary"]
        page.topic = record["topic"]
        page.body = item.html["body"]


def _parent_for(item):

    if item.kind == "factsheet":
        return CountryFactSheetsPage.objects.filter(country=item.country).first()
    model = {
        "practice": BestPracticeIndexPage,
        "obstacle": ObstacleIndexPage,
        "document": DocumentIndexPage,
    }[item.kind]
    return model.objects.first()


def _write(item, page, user, countries_by_code):
    if page is None:
        parent = _parent_for(item)
        if parent is None:
            raise KnowledgeImportError(
                [Problem(item.source.path, 1, f"no place in the page tree for {item.label}")]
            )
        # Created live (so Wagtail runs the model's full clean, which fills the denormalised
        # fields) and published at once with its first revision, in the same transaction.
        page = _model_for(item.kind)(owner=user)
        _apply(page, item, countries_by_code)
        parent.add_child(instance=page)
    else:
        page = type(page).objects.get(pk=page.pk)
        _apply(page, item, countries_by_code)
    revision = page.save_revision(user=user, log_action=True)
    revision.publish(user=user)
    return page


def knowledge_import(*, paths, user=None, dry_run=False, replace_drafts=False):
    """Import the Markdown files under `paths` (files or folders), all or nothing. Raises
    KnowledgeImportError with every problem found; returns an ImportReport."""

    if isinstance(paths, str | Path):
        paths = [paths]
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        planned, problems = plan_import(paths, replace_drafts=replace_drafts)
        if problems:
            raise KnowledgeImportError(problems)
        countries_by_code = {country.code: country for country in Country.objects.all()}
        for item, page in planned:
            entry = (item.label, item.source.path)
            if page is not None and page_record(page) == item.record:
                report.unchanged.append(entry)
                continue
            (report.updated if page is not None else report.created).append(entry)
            if dry_run:
                continue
            try:
                _write(item, page, user, countries_by_code)
            except ValidationError as exc:
                messages = "; ".join(
                    f"{field}: {' '.join(errors)}" if field != "__all__" else " ".join(errors)
                    for field, errors in getattr(
                        exc, "message_dict", {"__all__": exc.messages}
                    ).items()
                )
                raise KnowledgeImportError(
                    [Problem(item.source.path, 1, f"cannot save {item.label}: {messages}")]
                ) from exc
            except IntegrityError as exc:
                raise KnowledgeImportError(
                    [Problem(item.source.path, 1, f"cannot save {item.label}: {exc}")]
                ) from exc
    return report
