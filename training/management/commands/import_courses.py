"""manage.py import_courses FILE.csv: load CEPOL's course catalogue (format: docs/training.md,
"Importing CEPOL's catalogue"). All or nothing: every problem is printed as `path:line:
problem` and nothing is written unless every row is correct."""

from django.core.management.base import BaseCommand

from knowledge.interchange.importer import run_import_command
from training.importer import CourseImportError, courses_import


class Command(BaseCommand):
    help = (
        "Import CEPOL's course catalogue from a CSV file (one course per row; the CEPOL "
        "activity code is the key: an existing course with the code is updated). All or "
        "nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE.csv", help="The catalogue, a UTF-8 CSV file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and report what would change; write nothing.",
        )

    def handle(self, *args, path, dry_run=False, **options):
        run_import_command(
            self,
            lambda: courses_import(path=path, dry_run=dry_run),
            errors=CourseImportError,
            dry_run=dry_run,
            verbosity=options.get("verbosity", 1),
        )
