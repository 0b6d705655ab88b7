"""The export: one file per live knowledge page, in the import's format."""

import dataclasses
from pathlib import Path

from knowledge.interchange.format import KIND_FOLDERS, KnowledgeExportError
from knowledge.interchange.records import page_record, record_path, record_text
from knowledge.models import (
    BestPracticePage,
    FactSheetPage,
    KnowledgeDocumentPage,
    ObstaclePage,
)
from knowledge.topics import topic_order

# =============================================================================================
# Export
# =============================================================================================


@dataclasses.dataclass
class ExportReport:
    written: list = dataclasses.field(default_factory=list)  # relative paths
    removed: list = dataclasses.field(default_factory=list)


def live_knowledge_pages():
    """The live fact sheets, best practices, obstacles and documents, in export order."""

    sheets = sorted(
        FactSheetPage.objects.live()
        .select_related("country")
        .prefetch_related("cross_border_rules__neighbour", "contact_points", "legal_bases"),
        key=lambda page: (page.country.code, topic_order(page.topic)),
    )
    pages = list(sheets)
    for model in (BestPracticePage, ObstaclePage, KnowledgeDocumentPage):
        pages += list(model.objects.live().prefetch_related("countries").order_by("slug"))
    return pages


def export_files():
    """{relative path: file text} of every live knowledge page."""
    files = {}
    for page in live_knowledge_pages():
        record = page_record(page)
        files[record_path(record)] = record_text(record)
    return files


def knowledge_export(*, path, overwrite=False):
    """Write one file per live knowledge page under `path`. A folder that already holds .md
    files is refused unless `overwrite`, which also removes the .md files of the kind folders
    that no longer match a live page."""
    root = Path(path)
    if root.exists() and not root.is_dir():
        raise KnowledgeExportError(f"{root} is not a folder")
    files = export_files()
    present = sorted(root.rglob("*.md")) if root.exists() else []
    if present and not overwrite:
        raise KnowledgeExportError(
            f"{root} already holds {len(present)} .md file(s); choose an empty folder or use "
            "--overwrite"
        )
    report = ExportReport()
    if overwrite:
        for folder in KIND_FOLDERS.values():
            for stale in sorted((root / folder).rglob("*.md")) if (root / folder).exists() else []:
                relative = stale.relative_to(root).as_posix()
                if relative not in files:
                    stale.unlink()
                    report.removed.append(relative)
    for relative, text in sorted(files.items()):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        report.written.append(relative)
    return report
