"""Knowledge content as Markdown files with YAML front matter: parse, validate, import, export.

The format is documented in docs/knowledge-format.md. In short: one file per item,

    ---
    kind: factsheet
    title: Hot pursuit into Belgium
    country: BE
    topic: hot-pursuit
    reviewed: 2026-05-01
    ---

    The body, in Markdown.

`knowledge_import(paths=..., user=None)` validates every file first and collects every
problem (`path:line: problem`); if there is any it raises KnowledgeImportError and writes
nothing. Otherwise it writes everything in one transaction: an item whose import key (see
`Item.key`) matches an existing page updates that page with a new revision, published at once
(an import is an administrator's action, so it does not go through the review workflow); an
unchanged item writes nothing. `knowledge_export(path=...)` writes the live pages in the same
format; exporting and importing again changes nothing.

The rich text fields hold a small set of features (paragraphs, h2, h3, bold, italic, lists,
links). Markdown is converted with `markdown`, checked (anything else is an error), sanitised
with nh3 and stored in a canonical HTML form; the export turns that HTML back into Markdown
with the small deterministic converter in `richtext`, so Markdown -> HTML -> Markdown -> HTML
is stable. Changes are detected on the canonical form, so an editor's markup (Draftail's block
keys) does not count as a change.

The modules, in the order a file goes through them:

- `format`: kinds, folders, front-matter keys, value patterns, `Problem` and the two errors;
- `richtext`: rich text <-> Markdown (pure, no database);
- `reader`: a file's front matter with line numbers (`read_source`);
- `validation`: front matter -> `Item` with a canonical record (`validate_source`);
- `records`: a page as a canonical record (`page_record`), a record as file text and path;
- `importer`: `plan_import`, `knowledge_import`;
- `exporter`: `export_files`, `knowledge_export`.

This package's public entry points are re-exported here.
"""

from knowledge.interchange.exporter import ExportReport, knowledge_export
from knowledge.interchange.format import KnowledgeExportError, KnowledgeImportError, Problem
from knowledge.interchange.importer import ImportReport, knowledge_import, plan_import

__all__ = [
    "ExportReport",
    "ImportReport",
    "KnowledgeExportError",
    "KnowledgeImportError",
    "Problem",
    "knowledge_export",
    "knowledge_import",
    "plan_import",
]
