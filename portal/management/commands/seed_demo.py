"""Demo data for a local portal: one user per role and a few Presidency updates.

Idempotent: running it again changes nothing. Other apps add their demo data through a
`register_demo_seeder` hook (portal.plugins). Refuses to run outside DEBUG unless --force is
given, because the demo passwords are public."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_PASSWORD, run_seeders


class Command(BaseCommand):
    help = "Create demo users and content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (never in production)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with public passwords; DEBUG is off.")
        report = run_seeders()
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, description in report["logins"]:
            self.stdout.write(f"  {email:<34} {description}")
