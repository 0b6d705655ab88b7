"""Recompute every country's case audit chain and report where it was tampered with.

    manage.py verify_audit_log            # all countries
    manage.py verify_audit_log --country BE

Exits with status 1 when any chain is broken (for cron and monitoring)."""

from django.core.management.base import BaseCommand, CommandError

from cases import audit
from cases.models import AuditChainHead, AuditEntry
from portal.models import Country
from portal.reference import country_by_code


class Command(BaseCommand):
    help = "Check the hash chains of the case audit log (Directive 2016/680 Art. 25)."

    def add_arguments(self, parser):
        parser.add_argument("--country", help="ISO or EU code of one country")

    def handle(self, *args, country=None, **options):
        if country:
            found = country_by_code(country)
            if found is None:
                raise CommandError(f"Unknown country {country!r}.")
            countries = [found]
        else:
            ids = set(AuditEntry.objects.values_list("country_id", flat=True).distinct())
            ids |= set(AuditChainHead.objects.values_list("country_id", flat=True))
            countries = list(Country.objects.filter(pk__in=ids).order_by("code"))
        broken = 0
        for each in countries:
            problems = audit.verify(each)
            count = AuditEntry.objects.filter(country=each).count()
            if problems:
                broken += 1
                self.stdout.write(self.style.ERROR(f"{each.code}: {len(problems)} problem(s)"))
                for problem in problems:
                    self.stdout.write(f"  {problem}")
            else:
                self.stdout.write(f"{each.code}: {count} entries, chain intact")
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken.", returncode=1)
        self.stdout.write(self.style.SUCCESS("All audit chains are intact."))
