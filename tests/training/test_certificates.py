"""Certificates of attendance: for attendees (attended or partly on at least one day), a PDF
with a random verification code; any member checks a code; others' certificates are a 404;
the checks are rate-limited."""

import datetime
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from tests.factories import user_in
from tests.helpers import soup_of
from tests.training.delivery import AFTER, SECOND_DAY, confirm, network_session, tasks_at_once
from training import certificates, services_delivery
from training.models import Certificate
from training.models.certificates import CODE_ALPHABET

pytestmark = pytest.mark.django_db

DAY1 = datetime.date(2027, 3, 15)


@pytest.fixture(autouse=True)
def _tasks(monkeypatch):
    tasks_at_once(monkeypatch)


@pytest.fixture
def session(trainer):
    return network_session(trainer)


@pytest.fixture
def participants(session, trainer, head_be):
    first, second, third = confirm(session, trainer, head_be, count=3)
    with time_machine.travel(SECOND_DAY, tick=False):
        services_delivery.attendance_record(
            actor=trainer,
            session=session,
            marks={
                (first.pk, DAY1): "attended",
                (second.pk, DAY1): "partly",
                (third.pk, DAY1): "no_show",
            },
        )
    return first, second, third


def test_attendees_get_one_certificate_with_a_random_code(participants, head_de):
    first, second, third = participants
    with pytest.raises(ValidationError) as error:  # not over yet
        certificates.certificate_issue(actor=first.nominee, nomination=first)
    assert "once the session is over" in error.value.messages[0]
    with time_machine.travel(AFTER, tick=False):
        certificate = certificates.certificate_issue(actor=first.nominee, nomination=first)
        assert certificates.certificate_issue(actor=first.nominee, nomination=first) == certificate
        assert len(certificate.code) == 12 and set(certificate.code) <= set(CODE_ALPHABET)
        partly = certificates.certificate_issue(actor=second.nominee, nomination=second)
        assert partly.code != certificate.code
        with pytest.raises(ValidationError):  # no-show on the only recorded day
            certificates.certificate_issue(actor=third.nominee, nomination=third)
        with pytest.raises(PermissionDenied):
            certificates.certificate_issue(actor=head_de, nomination=third)
    assert Certificate.objects.count() == 2
    found = certificates.certificate_lookup(certificate.display_code.lower())
    assert found == certificate
    assert certificates.certificate_lookup("ZZZZ-ZZZZ-ZZZZ") is None


def test_the_pdf_is_the_participants_and_their_heads(client, participants, head_be, head_de):
    first = participants[0]
    url = f"/training/certificates/{first.pk}/certificate.pdf"
    with time_machine.travel(AFTER, tick=False):
        client.force_login(head_de)
        assert client.get(url).status_code == 404  # another country's head
        client.force_login(user_in("BE", "officer"))
        assert client.get(url).status_code == 404  # a colleague
        client.force_login(first.nominee)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        )
        code = Certificate.objects.get(nomination=first).display_code
        assert code in text and "Cross-border operations" in text
        client.force_login(head_be)
        assert client.get(url).status_code == 200
        # The no-show participant is told why, on the session page.
        third = participants[2]
        client.force_login(third.nominee)
        response = client.get(f"/training/certificates/{third.pk}/certificate.pdf", follow=True)
        assert "No attendance was recorded" in soup_of(response).select_one(".messages").get_text()


def test_any_member_checks_a_code(client, participants, head_de, settings):
    first = participants[0]
    with time_machine.travel(AFTER, tick=False):
        certificate = certificates.certificate_issue(actor=first.nominee, nomination=first)
        client.force_login(head_de)
        page = soup_of(
            client.get("/training/certificates/verify/?code=" + certificate.code.lower())
        )
        verified = page.select_one("#verified").get_text(" ", strip=True)
        assert str(first.nominee.get_full_name()) in verified
        assert "Cross-border operations" in verified and "15 March 2027" in verified
        response = client.get("/training/certificates/verify/?code=NOPE-NOPE-NOPE")
        assert response.status_code == 404
        assert "Not found" in soup_of(response).select_one("#not-found").get_text()
        assert client.get("/training/certificates/verify/").status_code == 200
        settings.TRAINING_CERTIFICATE_VERIFY_RATE = "2/m"
        client.get("/training/certificates/verify/?code=A")
        client.get("/training/certificates/verify/?code=B")
        response = client.get("/training/certificates/verify/?code=C")
        assert response.status_code == 429 and response["Retry-After"]
    client.logout()
    response = client.get("/training/certificates/verify/?code=" + certificate.code)
    assert response.status_code == 302  # behind login
