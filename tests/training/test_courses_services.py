"""Courses and sessions: the CEPOL activity code follows a configurable pattern; trainers
manage every course, CEPOL only its own; bad dates, venues and quotas are refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from portal.models import Country
from tests.training.helpers import make_course, make_session
from training import services
from training.models import Course, Session

pytestmark = pytest.mark.django_db


def test_a_course_with_a_cepol_code(trainer):
    course = make_course(trainer, cepol_code=" 12/2027 ")
    assert course.cepol_code == "12/2027"
    assert str(course) == "SIENA for SPOC operators (12/2027)"


@pytest.mark.parametrize("code", ["2027/12", "12-2027", "1234/2027", "12/27", "abc"])
def test_codes_not_matching_the_pattern_are_refused(trainer, code):
    with pytest.raises(ValidationError) as caught:
        make_course(trainer, cepol_code=code)
    assert "is not a CEPOL activity code" in caught.value.message_dict["cepol_code"][0]
    assert not Course.objects.exists()


def test_the_pattern_is_a_setting(trainer, settings):
    settings.TRAINING_CEPOL_CODE_PATTERN = r"^CEPOL-\d{4}-\d{2}$"
    assert make_course(trainer, cepol_code="CEPOL-2027-12").cepol_code == "CEPOL-2027-12"
    with pytest.raises(ValidationError):
        make_course(trainer, title="Other", cepol_code="12/2027")


def test_an_invalid_pattern_is_reported_by_the_system_checks(settings):
    from training.conf import check_cepol_code_pattern

    settings.TRAINING_CEPOL_CODE_PATTERN = r"^(\d+$"
    assert [error.id for error in check_cepol_code_pattern(None)] == ["training.E001"]


def test_a_code_belongs_to_one_course(trainer):
    make_course(trainer)
    with pytest.raises(ValidationError, match="already has the code"):
        make_course(trainer, title="Another")
    make_course(trainer, title="No code", cepol_code="")
    make_course(trainer, title="No code either", cepol_code="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(title="No code").update(cepol_code="27/2027")


def test_who_creates_which_courses(trainer, cepol_user, head_be, officer_be):
    country = make_course(
        trainer,
        title="Hot pursuit in the Benelux",
        organiser="country",
        organiser_country=Country.objects.get(code="BE"),
        cepol_code="",
    )
    assert country.organiser_label == "Belgium"
    assert make_course(cepol_user, title="CEPOL's own", cepol_code="1/2027").organiser == "cepol"
    with pytest.raises(ValidationError) as caught:
        make_course(cepol_user, title="Network", organiser="network", cepol_code="")
    assert "organiser" in caught.value.message_dict
    for actor in (head_be, officer_be):
        with pytest.raises(PermissionDenied):
            make_course(actor, title="Mine", cepol_code="")
    network = make_course(trainer, title="Network", organiser="network", cepol_code="")
    with pytest.raises(PermissionDenied):
        services.course_update(actor=cepol_user, course=network, title="Taken over")


def test_a_country_course_needs_its_country(trainer):
    with pytest.raises(ValidationError) as caught:
        make_course(trainer, organiser="country", cepol_code="")
    assert "organiser_country" in caught.value.message_dict


def test_a_session_over_several_days(trainer, course):
    session = make_session(trainer, course, quotas={Country.objects.get(code="BE"): 2})
    assert [day.isoformat() for day in session.days] == [
        "2027-03-15",
        "2027-03-16",
        "2027-03-17",
        "2027-03-18",
    ]
    assert session.local_start.isoformat() == "2027-03-15T09:00:00+01:00"
    assert session.quota_release_days == 21
    assert session.quota_release_day == datetime.date(2027, 2, 22)
    assert [(q.country.code, q.seats) for q in session.quotas.all()] == [("BE", 2)]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {
                "first_day": datetime.date(2026, 11, 1),
                "nomination_deadline": datetime.date(2026, 10, 1),
            },
            "first_day",
        ),
        ({"last_day": datetime.date(2027, 3, 14)}, "last_day"),
        ({"daily_end": datetime.time(8, 0)}, "daily_end"),
        ({"nomination_deadline": datetime.date(2027, 3, 15)}, "nomination_deadline"),
        ({"nomination_deadline": datetime.date(2026, 11, 1)}, "nomination_deadline"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"venue": ""}, "venue"),
        ({"venue_kind": "online", "online_url": ""}, "online_url"),
        ({"venue_kind": "online", "online_url": "javascript:alert(1)"}, "online_url"),
        ({"capacity": 0}, "capacity"),
        ({"quota_release_days": 400}, "quota_release_days"),
    ],
)
def test_bad_sessions_are_refused(trainer, course, overrides, field):
    with pytest.raises(ValidationError) as caught:
        make_session(trainer, course, **overrides)
    assert field in caught.value.message_dict
    assert not Session.objects.exists()


def test_quotas_may_not_exceed_the_capacity(trainer, course):
    be, de = Country.objects.get(code="BE"), Country.objects.get(code="DE")
    with pytest.raises(ValidationError) as caught:
        make_session(trainer, course, capacity=4, quotas={be: 3, de: 2})
    assert caught.value.message_dict["quotas"] == [
        "The quotas add up to 5 seats, more than the capacity (4)."
    ]
    session = make_session(trainer, course, capacity=5, quotas={be: 3, de: 2})
    with pytest.raises(ValidationError):
        services.session_update(actor=trainer, session=session, capacity=4)
    services.session_update(actor=trainer, session=session, capacity=4, quotas={be: 2, de: 2})
    assert sorted(session.quotas.values_list("seats", flat=True)) == [2, 2]


def test_only_the_courses_managers_add_sessions(cepol_user, head_be, trainer):
    network = make_course(trainer, organiser="network", cepol_code="")
    with pytest.raises(PermissionDenied):
        make_session(cepol_user, network)
    with pytest.raises(PermissionDenied):
        make_session(head_be, network)
    cepol_course = make_course(cepol_user, title="CEPOL's", cepol_code="2/2027")
    assert make_session(cepol_user, cepol_course).course == cepol_course
    assert make_session(trainer, cepol_course).course == cepol_course


def test_time_and_place_changes_raise_the_calendar_sequence(trainer, session):
    assert session.ical_sequence == 0
    uid = session.ical_uid
    services.session_update(actor=trainer, session=session, notes="Bring your badge.")
    session.refresh_from_db()
    assert session.ical_sequence == 0
    services.session_update(actor=trainer, session=session, venue="CEPOL, Ó utca 27, Budapest")
    session.refresh_from_db()
    assert session.ical_sequence == 1
    services.session_cancel(actor=trainer, session=session)
    session.refresh_from_db()
    assert (session.status, session.ical_sequence, session.ical_uid) == ("cancelled", 2, uid)
    with pytest.raises(ValidationError):
        services.session_update(actor=trainer, session=session, notes="Too late")


def test_the_database_refuses_sessions_the_services_would_refuse(course):
    base = {
        "course": course,
        "first_day": datetime.date(2027, 3, 15),
        "last_day": datetime.date(2027, 3, 18),
        "time_zone": "Europe/Budapest",
        "venue_kind": "on_site",
        "venue": "Budapest",
        "capacity": 10,
        "nomination_deadline": datetime.date(2027, 2, 15),
        "quota_release_days": 21,
    }
    for bad in (
        {"last_day": datetime.date(2027, 3, 1)},
        {"nomination_deadline": datetime.date(2027, 3, 16)},
        {"capacity": 0},
        {"venue": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Session.objects.create(**{**base, **bad})
