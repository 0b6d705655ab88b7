"""manage.py import_knowledge PATH...: load Markdown files with YAML front matter (format:
docs/knowledge-format.md). All or nothing: every problem is printed as `path:line: problem`
and nothing is written unless every file is correct."""

from django.core.management.base import BaseCommand, CommandError

from knowledge.interchange import KnowledgeImportError, knowledge_import
from knowledge.interchange.importer import run_import_command
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
        run_import_command(
            self,
            lambda: knowledge_import(
                paths=paths, user=account, dry_run=dry_run, replace_drafts=replace_drafts
            ),
            errors=KnowledgeImportError,
            dry_run=dry_run,
            verbosity=options.get("verbosity", 1),
        )
