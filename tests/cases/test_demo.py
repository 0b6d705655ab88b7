"""seed_demo fills Belgium's and Germany's registers with a case in every state."""

import pytest
from django.core.management import call_command

from cases import audit
from cases.choices import Status
from cases.models import Case, CrossCheckHit, DeadlinePause
from portal.models import Country

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_the_states_and_the_features():
    call_command("seed_demo", "--force")
    for code in ("BE", "DE"):
        statuses = set(Case.objects.filter(country__code=code).values_list("status", flat=True))
        assert statuses == set(Status.values), (code, set(Status.values) - statuses)
        assert audit.verify(Country.objects.get(code=code)) == []
    be = Case.objects.filter(country__code="BE")
    assert be.filter(possible_duplicate_of__isnull=False, channel="interpol").exists()
    assert DeadlinePause.objects.filter(
        case__country__code="BE", kind="judicial", ended_at__isnull=True
    ).exists()
    assert DeadlinePause.objects.filter(case__country__code="DE", kind="clarification").exists()
    cyrillic = CrossCheckHit.objects.get(subject__name="Иванов")
    assert cyrillic.matched.name == "Ivanov" and cyrillic.score >= 95
    assert CrossCheckHit.objects.filter(
        subject__name="Παπαδόπουλος", matched__name="Papadopoulos"
    ).exists()
    count = Case.objects.count()
    call_command("seed_demo", "--force")
    assert Case.objects.count() == count
