"""manage.py import_courses FILE.csv: load CEPOL's course catalogue (format: docs/training.md,
"Importing CEPOL's catalogue"). All or nothing: every problem is printed as `path:line:
problem` and nothing is written unless every row is correct."""

from django.core.management.base import BaseCommand, CommandError

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
        try:
            report = courses_import(path=path, dry_run=dry_run)
        except CourseImportError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            count = len(exc.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
            ) from exc
        verb = "Would create" if dry_run else "Created"
        for label, where in report.created:
            self.stdout.write(f"{verb} {label} ({where})")
        verb = "Would update" if dry_run else "Updated"
        for label, where in report.updated:
            self.stdout.write(f"{verb} {label} ({where})")
        if options.get("verbosity", 1) > 1:
            for label, where in report.unchanged:
                self.stdout.write(f"Unchanged {label} ({where})")
        self.stdout.write(self.style.SUCCESS(report.summary + "."))
