"""Registering a request: closed lists, bad input refused whole, duplicates caught across
channels before saving, subjects cross-checked (Cyrillic against Latin), the workflow."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cases import services
from cases.models import Case, CrossCheckHit, ExternalReference
from tests.cases.helpers import NOW, make_case, request_data
from tests.factories import user_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"counterpart_country": "XX"}, "counterpart_country", "Unknown country code"),
        ({"counterpart_country": "BE"}, "counterpart_country", "another country"),
        ({"channel": "fax"}, "channel", "Unknown channel"),
        ({"channel": "interpol"}, "channel_reason", "SIENA is the default channel"),
        ({"handling_code": "H9"}, "handling_code", "Unknown handling code"),
        ({"source_evaluation": "D"}, "source_evaluation", "Unknown source evaluation"),
        ({"received_at": NOW + datetime.timedelta(hours=2)}, "received_at", "future"),
        ({"urgent": True}, "urgency_grounds", "Art. 4(4)"),
        ({"urgent": True, "urgency_grounds": ["boredom"]}, "urgency_grounds", "Unknown"),
        (
            {"counterpart_kind": "agency", "counterpart_name": "cia"},
            "counterpart_name",
            "Unknown agency",
        ),
        ({"summary": "  "}, "summary", "summary"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(
    officer_be, overrides, field, message
):
    with pytest.raises(ValidationError) as caught:
        make_case(officer_be, references=[("siena_message", "S-1")], **overrides)
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert not Case.objects.exists() and not ExternalReference.objects.exists()


def test_only_case_roles_register(no_role_be, editor_be):
    for user in (no_role_be, editor_be):
        with pytest.raises(PermissionDenied):
            services.case_register(actor=user, data=request_data())


def test_a_request_arriving_again_through_another_channel_is_flagged_before_saving(officer_be):
    first = make_case(officer_be, references=[("siena_message", "SIENA 2026/00123-A")])
    with pytest.raises(services.DuplicateSuspected) as caught:
        make_case(
            officer_be,
            channel="interpol",
            channel_reason="third_parties",
            references=[("interpol", "x"), ("siena_message", "siena-2026-00123a")],
        )
    assert [m.case for m in caught.value.matches] == [first]
    assert "SIENA message ID" in caught.value.matches[0].reasons[0]
    assert Case.objects.count() == 1  # nothing saved
    second = make_case(
        officer_be,
        channel="interpol",
        channel_reason="third_parties",
        references=[("siena_message", "siena-2026-00123a")],
        confirm_duplicate=True,
    )
    assert second.possible_duplicate_of == first


def test_the_same_subject_within_a_month_is_flagged_too(officer_be):
    person = {
        "kind": "person",
        "name": "Dupont",
        "given_names": "Marie",
        "date_of_birth": "1980-02-03",
    }
    first = make_case(officer_be, subjects=[person])
    with pytest.raises(services.DuplicateSuspected) as caught:
        make_case(
            officer_be,
            channel="bilateral",
            channel_reason="urgency",
            subjects=[{**person, "name": "DUPONT"}],
        )
    assert caught.value.matches[0].case == first
    # Another country's holdings never count.
    make_case(user_in("DE", "officer"), subjects=[person])


def test_a_cyrillic_name_hits_its_latin_form_with_score_and_fields(officer_be):
    held = make_case(
        officer_be,
        subjects=[
            {
                "kind": "person",
                "name": "Ivanov",
                "given_names": "Petr",
                "date_of_birth": "1975-05-17",
            },
            {"kind": "vehicle", "identifier": "1-ABC-234"},
        ],
    )
    new = make_case(
        officer_be,
        received_at=NOW - datetime.timedelta(minutes=5),
        summary="Other matter",
        confirm_duplicate=True,
        subjects=[
            {
                "kind": "person",
                "name": "Иванов",
                "given_names": "Пётр",
                "date_of_birth": "1975-05-17",
            },
            {"kind": "phone", "identifier": "0470 12 34 56"},
        ],
    )
    hit = CrossCheckHit.objects.get(subject__case=new)
    assert hit.matched.case == held
    assert hit.score >= 95
    assert hit.fields == ["surname", "given names", "date of birth"]
    # A phone stored as typed in national form matches the E.164 form.
    third = make_case(
        officer_be,
        received_at=NOW - datetime.timedelta(days=40),
        subjects=[{"kind": "phone", "identifier": "+32 470 123 456"}],
    )
    assert CrossCheckHit.objects.filter(subject__case=third, fields=["identifier"]).exists()


def test_a_different_date_of_birth_breaks_the_tie(officer_be):
    make_case(
        officer_be,
        subjects=[
            {
                "kind": "person",
                "name": "Ivanov",
                "given_names": "Petr",
                "date_of_birth": "1975-05-17",
            }
        ],
    )
    other = make_case(
        officer_be,
        received_at=NOW - datetime.timedelta(days=60),
        subjects=[
            {
                "kind": "person",
                "name": "Ivanov",
                "given_names": "Petr",
                "date_of_birth": "1990-01-01",
            }
        ],
    )
    assert not CrossCheckHit.objects.filter(subject__case=other).exists()


def test_the_officer_confirms_or_dismisses_a_hit_and_it_is_logged(client, officer_be):
    make_case(officer_be, subjects=[{"kind": "vehicle", "identifier": "B-XY 123"}])
    new = make_case(
        officer_be,
        received_at=NOW - datetime.timedelta(days=45),
        subjects=[{"kind": "vehicle", "identifier": "bxy123"}],
    )
    hit = CrossCheckHit.objects.get(subject__case=new)
    services.case_assign(actor=officer_be, case=new, assignee=officer_be)
    client.force_login(officer_be)
    soup = BeautifulSoup(client.get(new.get_absolute_url()).content, "html.parser")
    table = soup.find(id="cross-check").find_next("table")
    assert "identifier" in table.get_text() and "100" in table.get_text()
    client.post(reverse("cases:hit_decide", args=[new.pk, hit.pk]), {"decision": "dismissed"})
    hit.refresh_from_db()
    assert hit.decision == "dismissed" and hit.decided_by == officer_be
    from cases.models import AuditEntry

    assert AuditEntry.objects.filter(case=new, detail__contains="dismissed").exists()


def test_workflow_transitions_are_checked(officer_be):
    case = make_case(officer_be)
    with pytest.raises(ValidationError, match="cannot become closed"):
        services.case_transition(actor=officer_be, case=case, to="closed")
    with pytest.raises(ValidationError, match="at least one Art. 6"):
        services.case_refuse(actor=officer_be, case=case, grounds=[], reason="No.")
    with pytest.raises(ValidationError, match="Unknown refusal ground"):
        services.case_refuse(actor=officer_be, case=case, grounds=["z"], reason="No.")
    with pytest.raises(ValidationError, match="reasons"):
        services.case_refuse(actor=officer_be, case=case, grounds=["a"], reason=" ")
    case.refresh_from_db()
    assert case.status == "registered"
    services.case_transition(actor=officer_be, case=case, to="checked")
    services.case_answer(actor=officer_be, case=case, text="Done")
    services.case_transition(actor=officer_be, case=case, to="closed")
    services.case_transition(actor=officer_be, case=case, to="archived")
    case.refresh_from_db()
    assert case.status == "archived" and case.closed_at is not None
    # Another country's officer cannot touch it.
    with pytest.raises(PermissionDenied):
        services.case_note_add(actor=user_in("DE", "officer"), case=case, text="hi")


def test_the_form_registers_a_case_in_the_spocs_time_zone(client, officer_be):
    client.force_login(officer_be)
    page = client.get(reverse("cases:case_create"))
    soup = BeautifulSoup(page.content, "html.parser")
    for field in soup.select("input, select, textarea"):
        if field.get("type") in ("hidden", "submit", "radio", "checkbox"):
            continue
        assert soup.find("label", attrs={"for": field["id"]}), field.get("name")
    data = {
        "direction": "incoming",
        "counterpart_kind": "network",
        "counterpart_country": "NL",
        "channel": "siena",
        "summary": "Phone subscriber",
        "received_at": "2026-03-20T08:30",
        "information_access": "direct",
        "handling_code": "H1",
        "source_evaluation": "B",
        "information_evaluation": "2",
        "ref_siena_message": "NL-778",
        "subjects-TOTAL_FORMS": "3",
        "subjects-INITIAL_FORMS": "0",
        "subjects-0-kind": "phone",
        "subjects-0-identifier": "+31 6 12345678",
    }
    response = client.post(reverse("cases:case_create"), data)
    assert response.status_code == 302
    case = Case.objects.get()
    # 08:30 in Brussels (CET) is 07:30 UTC.
    assert case.received_at == datetime.datetime(2026, 3, 20, 7, 30, tzinfo=datetime.UTC)
    assert case.subjects.get().identifier_key == "+31612345678"
    # The same reference again: the form warns and saves nothing until confirmed.
    response = client.post(reverse("cases:case_create"), data)
    assert response.status_code == 400
    assert "may already be registered" in response.content.decode()
    assert Case.objects.count() == 1
    response = client.post(reverse("cases:case_create"), {**data, "confirm_duplicate": "1"})
    assert response.status_code == 302 and Case.objects.count() == 2
    # A time in the future is a form error.
    response = client.post(
        reverse("cases:case_create"), {**data, "received_at": "2027-01-01T00:00"}
    )
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
