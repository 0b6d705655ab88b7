"""Attendance per participant and day, recorded by the organiser."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tests.helpers import soup_of
from tests.training.delivery import SECOND_DAY, confirm, network_session, tasks_at_once
from training import services_delivery
from training.models import Attendance

pytestmark = pytest.mark.django_db

DAY1, DAY2, DAY3 = (datetime.date(2027, 3, d) for d in (15, 16, 17))


@pytest.fixture(autouse=True)
def _tasks(monkeypatch):
    tasks_at_once(monkeypatch)


@pytest.fixture
def session(trainer):
    return network_session(trainer)


@pytest.fixture
def participants(session, trainer, head_be):
    return confirm(session, trainer, head_be, count=2)


def test_the_organiser_records_each_day_that_has_come(trainer, session, participants):
    first, second = participants
    with time_machine.travel(SECOND_DAY, tick=False):
        changed = services_delivery.attendance_record(
            actor=trainer,
            session=session,
            marks={
                (first.pk, DAY1): "attended",
                (first.pk, DAY2): "partly",
                (second.pk, DAY1): "no_show",
            },
        )
        assert changed == 3
        # Changing a mark, clearing one: one record per participant and day.
        services_delivery.attendance_record(
            actor=trainer,
            session=session,
            marks={(first.pk, DAY2): "attended", (second.pk, DAY1): ""},
        )
    assert dict(Attendance.objects.values_list("day", "status")) == {
        DAY1: "attended",
        DAY2: "attended",
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(nomination=first, day=DAY1, status="partly")


def test_bad_marks_save_nothing(trainer, head_be, session, participants):
    first, _ = participants
    with time_machine.travel(SECOND_DAY, tick=False):
        with pytest.raises(PermissionDenied):
            services_delivery.attendance_record(
                actor=head_be, session=session, marks={(first.pk, DAY1): "attended"}
            )
        for marks, message in (
            ({(first.pk, DAY1): "attended", (first.pk, DAY3): "attended"}, "has not come yet"),
            ({(first.pk, datetime.date(2027, 3, 30)): "attended"}, "not a day of the session"),
            ({(first.pk, DAY1): "asleep"}, "Choose attended"),
            ({(999999, DAY1): "attended"}, "confirmed participants only"),
        ):
            with pytest.raises(ValidationError) as error:
                services_delivery.attendance_record(actor=trainer, session=session, marks=marks)
            assert message in " ".join(error.value.messages)
    assert not Attendance.objects.exists()
    with pytest.raises(ValidationError) as error:  # before the first day
        services_delivery.attendance_record(
            actor=trainer, session=session, marks={(first.pk, DAY1): "attended"}
        )
    assert "has not started" in error.value.messages[0]


def test_the_attendance_page(client, trainer, head_be, session, participants):
    first, second = participants
    url = f"/training/sessions/{session.pk}/attendance/"
    client.force_login(head_be)
    assert client.get(url).status_code == 403  # not the organiser
    with time_machine.travel(SECOND_DAY, tick=False):
        client.force_login(trainer)  # a login of November would have expired by March
        page = soup_of(client.get(url))
        rows = page.select("#attendance-table tbody tr")
        assert len(rows) == 2
        assert len(rows[0].select("select")) == 2  # days 1 and 2; 3 and 4 are to come
        assert page.select_one(f"label[for=a-{first.pk}-2027-03-15]")
        response = client.post(
            url, {f"a-{first.pk}-2027-03-15": "attended", f"a-{second.pk}-2027-03-15": "no_show"}
        )
        assert response.status_code == 302
        response = client.post(url, {f"a-{first.pk}-2027-03-17": "attended"})
        # A day to come has no field on the page: nothing posted for it is taken.
        assert response.status_code == 302
        page = soup_of(client.get(url))
    select = page.select_one(f"#a-{first.pk}-2027-03-15")
    assert select.select_one("option[selected]")["value"] == "attended"
    assert Attendance.objects.count() == 2
