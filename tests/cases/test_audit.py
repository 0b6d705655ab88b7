"""The audit log (Directive 2016/680 Art. 25): every read and write of a case is logged with
who, when, what and why; the log is append-only and its hash chain shows tampering."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from cases import audit, services
from cases.models import AuditAction, AuditEntry
from tests.cases.helpers import make_case
from tests.factories import user_in

pytestmark = pytest.mark.django_db


def _drop_guard():
    """Remove the append-only trigger inside the test's transaction (rolled back after), to
    play the attacker who edits the table behind the application's back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER IF EXISTS cases_auditentry_no_change ON cases_auditentry")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS cases_auditentry_no_update")


def test_registration_reading_and_reply_are_logged_with_who_what_and_why(client, officer_be):
    case = make_case(officer_be, references=[("siena_message", "S-1")])
    colleague = user_in("BE", "officer")
    client.force_login(colleague)
    # Not assigned to the colleague: a reason is asked first, and nothing is shown before.
    response = client.get(case.get_absolute_url())
    assert "Why do you open" in response.content.decode()
    assert case.summary not in response.content.decode()
    assert not AuditEntry.objects.filter(actor=colleague, case=case).exists()
    response = client.post(case.get_absolute_url(), {"reason": "Duty officer (24/7)"})
    assert response.status_code == 302
    assert case.summary in client.get(case.get_absolute_url()).content.decode()
    services.case_transition(actor=officer_be, case=case, to="checked")
    services.case_answer(actor=officer_be, case=case, text="No record found.")
    entries = list(AuditEntry.objects.filter(case=case).order_by("sequence"))
    actions = [(e.action, e.actor_id) for e in entries]
    assert actions[0] == (AuditAction.COLLECTION, officer_be.pk)
    assert (AuditAction.CONSULTATION, colleague.pk) in actions
    consultation = next(e for e in entries if e.actor_id == colleague.pk)
    assert consultation.justification == "Duty officer (24/7)"
    assert entries[-1].action == AuditAction.DISCLOSURE
    assert entries[-1].recipients == "SPOC of Germany"
    assert all(e.case_number == case.number for e in entries)


def test_the_database_refuses_to_change_a_log_entry(officer_be):
    make_case(officer_be)
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(detail="nothing happened")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEntry.objects.filter(pk=entry.pk).delete()


def test_the_chain_detects_an_edited_row_a_removed_row_and_a_cut_end(officer_be, capsys):
    for _ in range(3):
        make_case(officer_be)
    country = officer_be.country
    assert audit.verify(country) == []
    call_command("verify_audit_log", "--country", "BE")
    assert "chain intact" in capsys.readouterr().out

    _drop_guard()
    second = AuditEntry.objects.get(country=country, sequence=2)
    AuditEntry.objects.filter(pk=second.pk).update(justification="edited later")
    problems = audit.verify(country)
    assert problems == ["#2: its content was changed after it was written"]
    with pytest.raises(CommandError):
        call_command("verify_audit_log")
    assert "#2: its content was changed" in capsys.readouterr().out

    AuditEntry.objects.filter(pk=second.pk).delete()
    assert "#2: missing (next entry is #3)" in audit.verify(country)
    last = AuditEntry.objects.filter(country=country).order_by("-sequence").first()
    AuditEntry.objects.filter(pk=last.pk).delete()
    assert any("the chain ends at" in p for p in audit.verify(country))


def test_chains_are_per_country(officer_be, officer_de):
    make_case(officer_be)
    make_case(officer_de)
    make_case(officer_be)
    be = list(AuditEntry.objects.filter(country__code="BE").values_list("sequence", flat=True))
    de = list(AuditEntry.objects.filter(country__code="DE").values_list("sequence", flat=True))
    assert be == [1, 2] and de == [1]


def test_list_views_and_searches_are_logged(client, officer_be):
    make_case(officer_be, summary="Stolen lorry")
    client.force_login(officer_be)
    client.get(reverse("cases:case_list"), {"q": "lorry"})
    entry = AuditEntry.objects.filter(actor=officer_be, case=None).last()
    assert entry.action == AuditAction.CONSULTATION and "'lorry'" in entry.detail
