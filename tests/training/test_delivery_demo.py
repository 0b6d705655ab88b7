"""The demo's trainer pool and delivered session (attendance, evaluations, a certificate)."""

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_pool_attendance_answers_and_a_certificate_once(client):
    from portal.demo import run_seeders
    from training import certificates
    from training.models import (
        Attendance,
        Certificate,
        EvaluationResponse,
        SessionTrainer,
        Trainer,
    )

    run_seeders()
    run_seeders()
    assert sorted(Trainer.objects.values_list("full_name", "status")) == [
        ("Anna Peeters", "vetted"),
        ("Katrin Vogel", "vetted"),
        ("Marc Lambert", "proposed"),
    ]
    assert SessionTrainer.objects.count() == 3
    assert Attendance.objects.count() == 4
    assert EvaluationResponse.objects.count() == 2
    certificate = Certificate.objects.get()
    assert certificate.nomination.nominee.email == "officer.be@example.eu"
    assert certificates.certificate_lookup(certificate.display_code) == certificate
    assert mail.outbox == []
