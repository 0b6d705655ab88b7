"""Four eyes on replies: when the head requires it for a priority, a reply is a draft until
another officer or the head approves it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import services
from cases.models import AuditEntry
from tests.cases.helpers import make_case
from tests.factories import user_in

pytestmark = pytest.mark.django_db


def test_an_urgent_reply_waits_for_a_second_person(client, officer_be):
    head = user_in("BE", "head")
    with pytest.raises(PermissionDenied):
        services.case_settings_update(
            actor=officer_be, approve_urgent=True, approve_not_urgent=False
        )
    client.force_login(head)
    client.post(reverse("cases:case_settings"), {"approve_urgent": "on"})
    urgent = make_case(officer_be, urgent=True, urgency_grounds=["life"])
    normal = make_case(officer_be, confirm_duplicate=True)
    for case in (urgent, normal):
        services.case_transition(actor=officer_be, case=case, to="checked")
        services.case_answer(actor=officer_be, case=case, text="Here it is.")
        case.refresh_from_db()
    assert normal.status == "answered"
    assert urgent.status == "checked" and urgent.notes.get().kind == "draft"
    assert not AuditEntry.objects.filter(case=urgent, action="disclosure").exists()
    with pytest.raises(ValidationError, match="Another officer"):
        services.reply_approve(actor=officer_be, case=urgent)
    response = client.post(reverse("cases:reply_approve", args=[urgent.pk]))
    assert response.status_code == 302
    urgent.refresh_from_db()
    assert urgent.status == "answered"
    note = urgent.notes.get()
    assert (note.kind, note.author, note.approved_by) == ("reply", officer_be, head)
    disclosure = AuditEntry.objects.get(case=urgent, action="disclosure")
    assert disclosure.actor == head


def test_only_the_head_opens_the_rules_page(client, officer_be):
    client.force_login(officer_be)
    assert client.get(reverse("cases:case_settings")).status_code == 404
    client.force_login(user_in("BE", "head"))
    assert client.get(reverse("cases:case_settings")).status_code == 200
