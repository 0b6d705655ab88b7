"""Retention: a closed case gets a review date; past it, it is kept longer for a reason or its
personal data are erased, keeping the statistical record and the audit entries."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases import audit, services, stats
from cases.models import AuditEntry, Subject
from cases.selectors import cases_due_for_review, cases_visible_to
from tests.cases.helpers import make_case
from tests.factories import user_in

pytestmark = pytest.mark.django_db


def closed_case(officer, **kwargs):
    case = make_case(
        officer,
        subjects=[{"kind": "person", "name": "Dupont", "given_names": "Luc"}],
        references=[("siena_message", "S-99")],
        **kwargs,
    )
    services.case_transition(actor=officer, case=case, to="checked")
    services.case_answer(actor=officer, case=case, text="Luc Dupont lives in Liège.")
    services.case_transition(actor=officer, case=case, to="closed")
    case.refresh_from_db()
    return case


def test_closing_sets_the_review_date_by_category(officer_be, settings):
    case = closed_case(officer_be)
    assert case.review_on == datetime.date(2026, 9, 20)  # six months after 20 March
    settings.CASES_REVIEW_MONTHS = {"incoming": 3}
    assert closed_case(officer_be, confirm_duplicate=True).review_on == datetime.date(2026, 6, 20)


def test_past_the_review_date_the_head_erases_and_the_figures_stay(client, officer_be):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = closed_case(officer_be)
    services.case_document_add(
        actor=officer_be, case=case, upload=SimpleUploadedFile("id.txt", b"Luc Dupont")
    )
    head = user_in("BE", "head")
    before = stats.report(cases_visible_to(head), country=head.country, year=2026)
    assert list(cases_due_for_review(head)) == []
    with time_machine.travel(datetime.datetime(2026, 9, 21, 8, 0, tzinfo=datetime.UTC)):
        assert list(cases_due_for_review(head)) == [case]
        with pytest.raises(PermissionDenied):
            services.case_erase(actor=officer_be, case=case, reason="old")
        client.force_login(head)
        page = client.get(reverse("cases:review_list"))
        assert case.number in page.content.decode()
        client.post(reverse("cases:case_erase", args=[case.pk]), {"reason": "No longer needed"})
    case.refresh_from_db()
    assert case.erased_at is not None and case.summary == "[erased]"
    assert not Subject.objects.filter(case=case).exists() and not case.references.exists()
    assert case.notes.get().text == "[erased]"
    assert not case.documents.exists()
    after = stats.report(cases_visible_to(head), country=head.country, year=2026)
    assert after["received"] == before["received"]
    erasure = AuditEntry.objects.filter(case=case, action="erasure").get()
    assert erasure.justification == "No longer needed" and erasure.actor == head
    assert AuditEntry.objects.filter(case=case).count() > 1
    assert audit.verify(head.country) == []
    assert "Dupont" not in " ".join(AuditEntry.objects.values_list("detail", flat=True))


def test_extending_needs_a_reason_and_moves_the_date(officer_be):
    case = closed_case(officer_be)
    with pytest.raises(Exception, match="Say why"):
        services.case_review_extend(actor=officer_be, case=case, months=6, reason="")
    with time_machine.travel(datetime.datetime(2026, 10, 1, 8, 0, tzinfo=datetime.UTC)):
        services.case_review_extend(
            actor=officer_be, case=case, months=6, reason="Linked investigation still open"
        )
    case.refresh_from_db()
    assert case.review_on == datetime.date(2027, 4, 1)
