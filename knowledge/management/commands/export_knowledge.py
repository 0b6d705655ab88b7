"""manage.py export_knowledge PATH: write every live fact sheet, best practice, obstacle and
document as a Markdown file with YAML front matter (format: docs/knowledge-format.md);
import_knowledge reads them back unchanged."""

from django.core.management.base import BaseCommand, CommandError

from knowledge.interchange import KnowledgeExportError, knowledge_export


class Command(BaseCommand):
    help = (
        "Export the live knowledge pages to PATH as Markdown files (factsheets/<country>/"
        "<topic>.md, practices/<slug>.md, obstacles/<slug>.md, documents/<slug>.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The folder to write (created if absent).")
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Write into a folder that already holds .md files, replacing them; .md files "
            "in the kind folders that match no live page are removed.",
        )

    def handle(self, *args, path, overwrite=False, **options):
        try:
            report = knowledge_export(path=path, overwrite=overwrite)
        except KnowledgeExportError as exc:
            raise CommandError(str(exc)) from exc
        for relative in report.removed:
            self.stdout.write(f"Removed {relative}")
        count = len(report.written)
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {count} file{'s' if count != 1 else ''} to {path}.")
        )
