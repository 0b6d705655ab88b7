"""manage.py import_knowledge PATH...: load Markdown files with YAML front matter (format:
docs/knowledge-format.md). All or nothing: every problem is printed as `path:line: problem`
and nothing is written unless every file is correct."""

from django.core.management.base import BaseCommand, CommandError

from knowledge.interchange import KnowledgeImportError, knowledge_import
from portal.models import User


class Command(BaseCommand):
    help = (
        "Import fact sheets, best practices, obstacles and documents from Markdown files with "
        "YAML front matter (a folder, searched recursively for *.md, or single files). "
        "All or nothing; changed pages get a new, published revision."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="A folder or a .md file.")
        parser.add_argument(
            "--user",
            metavar="EMAIL",
            help="Record the revisions as made by this user (default: no user).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and report what would change; write nothing.",
        )
        parser.add_argument(
            "--replace-drafts",
            action="store_true",
            help="Also update pages that have unpublished changes (their draft or review is "
            "superseded by the imported revision).",
        )

    def handle(self, *args, paths, user=None, dry_run=False, replace_drafts=False, **options):
        account = None
        if user:
            account = User.objects.filter(email__iexact=user).first()
            if account is None:
                raise CommandError(f"No user with the email address {user}.")
        try:
            report = knowledge_import(
                paths=paths, user=account, dry_run=dry_run, replace_drafts=replace_drafts
            )
        except KnowledgeImportError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            count = len(exc.problems)
            raise CommandError(
                f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."
            ) from exc
        verb = "Would create" if dry_run else "Created"
        for label, path in report.created:
            self.stdout.write(f"{verb} {label} ({path})")
        verb = "Would update" if dry_run else "Updated"
        for label, path in report.updated:
            self.stdout.write(f"{verb} {label} ({path})")
        if options.get("verbosity", 1) > 1:
            for label, path in report.unchanged:
                self.stdout.write(f"Unchanged {label} ({path})")
        self.stdout.write(self.style.SUCCESS(report.summary + "."))
