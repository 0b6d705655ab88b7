"""Demo training data for `manage.py seed_demo`: an open needs round for 2027 answered by
several countries; CEPOL-coded courses with sessions in the 2027 plan and a network course.
Idempotent (by the round's title, the courses' titles). The dates are fixed, so the actions
are taken at fixed moments (`now=`) as if done then.

Germany's officer (officer.de@example.eu) is named a needs delegate by its head."""

import datetime

from portal.demo import DEMO_USERS, demo_user
from portal.models import Role

# The demo's CEPOL representative and a few more officers to nominate (seeded with the other
# demo accounts by portal.demo).
DEMO_USERS.extend(
    [
        ("cepol@example.eu", "Eszter", "Nagy", "cepol", [Role.AGENCY], "CEPOL representative"),
        (
            "officer2.be@example.eu",
            "Lotte",
            "Janssens",
            "spoc-be",
            [Role.OFFICER],
            "SPOC officer, Belgium (National Contact Point for training)",
        ),
        (
            "officer2.de@example.eu",
            "Felix",
            "Wagner",
            "spoc-de",
            [Role.OFFICER],
            "SPOC officer, Germany",
        ),
        (
            "officer.ie@example.eu",
            "Niamh",
            "Kelly",
            "spoc-ie",
            [Role.OFFICER],
            "SPOC officer, Ireland",
        ),
    ]
)

ROUND_TITLE = "Training needs 2027"
OPENED = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC)

# country code: [(topic slug, staff, profile, level, urgency, comment)]
DEMO_NEEDS = {
    "BE": [
        ("siena", 12, "operator", "practitioner", "high", "New operators joined in 2026."),
        ("directive-2023-977", 20, "operator", "awareness", "high", ""),
        ("case-management", 8, "supervisor", "expert", "medium", "After the 2027 migration."),
    ],
    "DE": [
        ("siena", 30, "operator", "practitioner", "medium", ""),
        ("sis-sirene", 15, "operator", "practitioner", "low", ""),
        ("data-protection", 10, "supervisor", "practitioner", "high", "Logging under LED Art. 25."),
        ("languages", 6, "operator", "practitioner", "medium", "English for SIENA drafting."),
    ],
    "FR": [
        ("directive-2023-977", 25, "operator", "awareness", "high", ""),
        ("interpol-channels", 9, "operator", "practitioner", "medium", ""),
    ],
    "NL": [
        ("cross-border-operations", 14, "operator", "practitioner", "medium", ""),
        ("siena", 5, "head", "awareness", "low", ""),
    ],
    "PL": [],  # answered: no needs this time
}


def seed_training_needs(report):
    from portal.models import Country
    from training import services
    from training.models import NeedsAnswer, NeedsResponse, NeedsRound, TrainingTopic

    trainer = demo_user("trainer.nl@example.eu")
    if trainer is None or NeedsRound.objects.filter(title=ROUND_TITLE).exists():
        return
    needs_round = services.needs_round_create(
        actor=trainer,
        title=ROUND_TITLE,
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        deadline=datetime.date(2027, 1, 31),
        introduction="Tell the core group what your SPOC staff need to learn in 2027; the "
        "pooled needs go to CEPOL for the annual plan.",
        now=OPENED,
    )
    services.needs_round_open(actor=trainer, needs_round=needs_round, now=OPENED)
    topics = {topic.slug: topic for topic in TrainingTopic.objects.all()}
    heads = {"BE": demo_user("head.be@example.eu"), "DE": demo_user("head.de@example.eu")}
    officer_de = demo_user("officer.de@example.eu")
    if heads["DE"] is not None and officer_de is not None:
        services.delegate_add(actor=heads["DE"], user=officer_de, kind="needs", now=OPENED)
        heads["DE"] = officer_de  # Germany's answers come from its delegate
    for index, (code, rows) in enumerate(DEMO_NEEDS.items()):
        when = OPENED + datetime.timedelta(days=3 + index)
        answers = {
            topics[slug].pk: {
                "staff_count": staff,
                "profile": profile,
                "level": level,
                "urgency": urgency,
                "comment": comment,
            }
            for slug, staff, profile, level, urgency, comment in rows
        }
        head = heads.get(code)
        if head is not None:
            services.needs_answers_save(
                actor=head, needs_round=needs_round, answers=answers, now=when
            )
            continue
        # Countries without a demo head: their answers as the service would store them.
        country = Country.objects.get(code=code)
        NeedsResponse.objects.create(
            round=needs_round, country=country, first_submitted_at=when, updated_at=when
        )
        for topic_id, values in answers.items():
            NeedsAnswer.objects.create(
                round=needs_round, country=country, topic_id=topic_id, updated_at=when, **values
            )


PLANNED = datetime.datetime(2026, 10, 15, 9, 0, tzinfo=datetime.UTC)

DEMO_COURSES = [
    {
        "course": {
            "title": "SIENA for SPOC operators",
            "topic": "siena",
            "level": "practitioner",
            "cepol_code": "27/2027",
            "organiser": "cepol",
            "language": "en",
            "second_approval": True,
            "description": "Drafting, handling and evaluation codes, workflows between SPOCs "
            "and Europol; hands-on exercises on the SIENA training environment.",
            "prerequisites": "A SIENA account and six months of SPOC work.",
        },
        "sessions": [
            {
                "first_day": datetime.date(2027, 3, 15),
                "last_day": datetime.date(2027, 3, 18),
                "time_zone": "Europe/Budapest",
                "venue_kind": "on_site",
                "venue": "CEPOL, Ó utca 27, 1066 Budapest",
                "capacity": 24,
                "nomination_deadline": datetime.date(2027, 2, 15),
                "quotas": {"BE": 2, "DE": 3, "FR": 2},
            },
        ],
        "by": "cepol@example.eu",
    },
    {
        "course": {
            "title": "Directive (EU) 2023/977 for SPOC staff",
            "topic": "directive-2023-977",
            "level": "awareness",
            "cepol_code": "31/2027",
            "organiser": "cepol",
            "language": "en",
            "description": "Time limits, refusal grounds, channels and languages of the "
            "Information Exchange Directive, with case studies.",
        },
        "sessions": [
            {
                "first_day": datetime.date(2027, 2, 10),
                "last_day": datetime.date(2027, 2, 10),
                "daily_start": datetime.time(10, 0),
                "daily_end": datetime.time(12, 30),
                "time_zone": "Europe/Brussels",
                "venue_kind": "online",
                "online_url": "https://meet.example.eu/cepol-31-2027",
                "capacity": 100,
                "nomination_deadline": datetime.date(2027, 2, 3),
            },
            {
                "first_day": datetime.date(2027, 10, 6),
                "last_day": datetime.date(2027, 10, 6),
                "daily_start": datetime.time(10, 0),
                "daily_end": datetime.time(12, 30),
                "time_zone": "Europe/Brussels",
                "venue_kind": "online",
                "online_url": "https://meet.example.eu/cepol-31-2027-b",
                "capacity": 100,
                "nomination_deadline": datetime.date(2027, 9, 22),
            },
        ],
        "by": "cepol@example.eu",
    },
    {
        "course": {
            "title": "Case management across borders",
            "topic": "case-management",
            "level": "expert",
            "organiser": "network",
            "language": "en",
            "description": "Registration numbers unique across channels, cross-checks and "
            "statistics for the Article 18 report: the network's good practices.",
        },
        "sessions": [
            {
                "first_day": datetime.date(2027, 5, 11),
                "last_day": datetime.date(2027, 5, 12),
                "time_zone": "Europe/Amsterdam",
                "venue_kind": "on_site",
                "venue": "Koninklijke Marechaussee, Kerkstraat 1, Apeldoorn",
                "capacity": 3,
                "nomination_deadline": datetime.date(2027, 4, 13),
            },
        ],
        "by": "trainer.nl@example.eu",
    },
]


def seed_training_courses(report):
    from portal.models import Country
    from training import services
    from training.models import Course, TrainingTopic

    topics = {topic.slug: topic for topic in TrainingTopic.objects.all()}
    for spec in DEMO_COURSES:
        actor = demo_user(spec["by"])
        if actor is None or Course.objects.filter(title=spec["course"]["title"]).exists():
            continue
        values = dict(spec["course"])
        values["topic"] = topics[values["topic"]]
        course = services.course_create(actor=actor, now=PLANNED, **values)
        for session_spec in spec["sessions"]:
            session_values = dict(session_spec)
            quotas = {
                Country.objects.get(code=code): seats
                for code, seats in session_values.pop("quotas", {}).items()
            }
            services.session_create(
                actor=actor, course=course, quotas=quotas, now=PLANNED, **session_values
            )


NOMINATED = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)


def seed_training_nominations(report):
    """Nominations in every state (the demo sends no email: the actions are back-dated)."""
    from unittest import mock

    from training import services
    from training.models import Nomination, Session

    if Nomination.objects.exists():
        return
    users = {
        key: demo_user(f"{key}@example.eu")
        for key in (
            "head.be",
            "head.de",
            "approver.ie",
            "officer.be",
            "officer2.be",
            "officer.de",
            "officer2.de",
            "officer.ie",
            "editor.be",
            "cepol",
            "trainer.nl",
        )
    }
    if None in users.values():
        return
    sessions = {
        (session.course.cepol_code or session.course.title, session.first_day.month): session
        for session in Session.objects.select_related("course")
    }
    siena = sessions.get(("27/2027", 3))
    directive = sessions.get(("31/2027", 2))
    directive_autumn = sessions.get(("31/2027", 10))
    network = sessions.get(("Case management across borders", 5))
    if None in (siena, directive, directive_autumn, network):
        return

    def at(hours):
        return NOMINATED + datetime.timedelta(hours=hours)

    with (
        mock.patch.object(services, "_enqueue_email", lambda event: None),
        mock.patch.object(services, "_enqueue_session_update", lambda session: None),
    ):
        # SIENA for SPOC operators (CEPOL, second approval by the National Contact Point).
        services.delegate_add(
            actor=users["head.be"], user=users["officer2.be"], kind="national_contact", now=at(0)
        )
        be = services.nomination_request(actor=users["officer.be"], session=siena, now=at(1))
        services.nomination_approve(actor=users["head.be"], nomination=be, now=at(2))
        services.nomination_second_approve(actor=users["officer2.be"], nomination=be, now=at(3))
        services.nomination_confirm(actor=users["cepol"], nomination=be, now=at(4))
        de = services.nomination_request(actor=users["officer.de"], session=siena, now=at(1))
        services.nomination_approve(actor=users["head.de"], nomination=de, now=at(5))
        services.nomination_request(
            actor=users["officer2.de"],
            session=siena,
            motivation="I start on the SIENA desk in January.",
            now=at(6),
        )
        ie = services.nomination_request(actor=users["officer.ie"], session=siena, now=at(2))
        services.nomination_refuse(
            actor=users["approver.ie"], nomination=ie, reason="Planned for 2028.", now=at(7)
        )
        # Directive (EU) 2023/977, February webinar (CEPOL).
        services.nomination_create(
            actor=users["head.be"], session=directive, nominee=users["officer.be"], now=at(8)
        )
        declined = services.nomination_create(
            actor=users["head.be"], session=directive, nominee=users["officer2.be"], now=at(8)
        )
        services.nomination_decline(
            actor=users["cepol"],
            nomination=declined,
            reason="Took the same webinar in 2026.",
            now=at(9),
        )
        withdrawn = services.nomination_create(
            actor=users["head.de"], session=directive, nominee=users["officer.de"], now=at(8)
        )
        services.nomination_confirm(actor=users["cepol"], nomination=withdrawn, now=at(9))
        services.nomination_withdraw(
            actor=users["officer.de"], nomination=withdrawn, reason="Duty roster.", now=at(10)
        )
        # Case management across borders (the network; three seats): a waiting list and a
        # replacement.
        for head, officer in (
            ("head.be", "officer.be"),
            ("head.be", "officer2.be"),
            ("head.de", "officer.de"),
            ("head.de", "officer2.de"),
        ):
            services.nomination_create(
                actor=users[head], session=network, nominee=users[officer], now=at(11)
            )
        replaced = Nomination.objects.get(session=network, nominee=users["officer2.be"])
        services.nomination_replace(
            actor=users["head.be"], nomination=replaced, nominee=users["editor.be"], now=at(12)
        )
        # Directive, October webinar: cancelled with its nominations.
        services.nomination_create(
            actor=users["approver.ie"],
            session=directive_autumn,
            nominee=users["officer.ie"],
            now=at(13),
        )
        services.session_cancel(actor=users["cepol"], session=directive_autumn, now=at(14))


# --- Trainer pool, attendance, evaluations, a certificate ------------------------------------

DELIVERED_COURSE = "Cross-border operations: hot pursuit and surveillance"
POOL_PROPOSED = datetime.datetime(2026, 8, 20, 9, 0, tzinfo=datetime.UTC)

# (proposing head, name, organisation, topic slugs, languages, qualifications, vetted)
DEMO_TRAINERS = [
    (
        "head.be",
        "Anna Peeters",
        "Federal Police, SPOC Belgium",
        ["siena", "data-protection"],
        ["nl", "fr", "en"],
        "CEPOL-certified trainer; eight years on the SIENA desk; trains new SPOC operators.",
        True,
    ),
    (
        "head.de",
        "Katrin Vogel",
        "Bundeskriminalamt, SIRENE Germany",
        ["cross-border-operations", "sis-sirene"],
        ["de", "en"],
        "Former head of the SIRENE Bureau's night shift; Art. 40/41 CISA operations.",
        True,
    ),
    (
        "head.be",
        "Marc Lambert",
        "Police judiciaire fédérale, Liège",
        ["cross-border-operations"],
        ["fr"],
        "Coordinated joint hot-pursuit exercises with the Netherlands and Germany.",
        False,
    ),
]


def _at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=datetime.UTC)


def seed_training_delivery(report):
    """A trainer pool (two vetted trainers, one proposal waiting), and a network session of
    November 2026 already given: its confirmed participants' attendance, their evaluation
    answers and one certificate. Back-dated (`now=`), no email sent. Idempotent by the pool
    and the course's title."""
    from unittest import mock

    from training import (
        certificates,
        services,
        services_delivery,
        services_evaluations,
        services_pool,
    )
    from training.models import (
        Course,
        EvaluationKind,
        Questionnaire,
        Session,
        Trainer,
        TrainingTopic,
    )

    users = {
        key: demo_user(f"{key}@example.eu")
        for key in ("head.be", "head.de", "trainer.nl", "officer.be", "officer.de", "cepol")
    }
    if None in users.values() or Trainer.objects.exists():
        return
    topics = {topic.slug: topic for topic in TrainingTopic.objects.all()}
    pool = {}
    for head, name, organisation, slugs, languages, qualifications, vet in DEMO_TRAINERS:
        trainer = services_pool.trainer_propose(
            actor=users[head],
            full_name=name,
            organisation=organisation,
            topics=[topics[slug] for slug in slugs],
            languages=languages,
            qualifications=qualifications,
            availability="Available outside school holidays.",
            now=POOL_PROPOSED,
        )
        if vet:
            trainer = services_pool.trainer_vet(
                actor=users["trainer.nl"], trainer=trainer, now=POOL_PROPOSED
            )
        pool[name] = trainer
    siena = Session.objects.filter(course__cepol_code="27/2027").first()
    if siena is not None:
        services_pool.session_trainers_set(
            actor=users["cepol"], session=siena, trainers=[pool["Anna Peeters"]]
        )
    if Course.objects.filter(title=DELIVERED_COURSE).exists():
        return
    organiser = users["trainer.nl"]
    planned = _at(2026, 9, 1)
    course = services.course_create(
        actor=organiser,
        now=planned,
        title=DELIVERED_COURSE,
        topic=topics["cross-border-operations"],
        level="practitioner",
        organiser="network",
        language="en",
        description="Art. 40 and 41 CISA in practice: notifications, the SPOC's role, "
        "handing over at the border.",
    )
    with (
        mock.patch.object(services, "_enqueue_email", lambda event: None),
        mock.patch.object(services, "_enqueue_session_update", lambda session: None),
    ):
        session = services.session_create(
            actor=organiser,
            course=course,
            now=planned,
            first_day=datetime.date(2026, 11, 3),
            last_day=datetime.date(2026, 11, 4),
            time_zone="Europe/Amsterdam",
            venue_kind="on_site",
            venue="Koninklijke Marechaussee, Kerkstraat 1, Apeldoorn",
            capacity=12,
            nomination_deadline=datetime.date(2026, 10, 20),
        )
        services_pool.session_trainers_set(
            actor=organiser,
            session=session,
            trainers=[pool["Katrin Vogel"], pool["Anna Peeters"]],
            now=planned,
        )
        participants = []
        for head, officer in (("head.be", "officer.be"), ("head.de", "officer.de")):
            nomination = services.nomination_create(
                actor=users[head], session=session, nominee=users[officer], now=_at(2026, 9, 15)
            )
            participants.append(
                services.nomination_confirm(
                    actor=organiser, nomination=nomination, now=_at(2026, 9, 20)
                )
            )
    be, de = participants
    day1, day2 = session.days
    services_delivery.attendance_record(
        actor=organiser,
        session=session,
        marks={
            (be.pk, day1): "attended",
            (be.pk, day2): "attended",
            (de.pk, day1): "attended",
            (de.pk, day2): "partly",
        },
        now=_at(2026, 11, 4, 16),
    )
    questions = list(Questionnaire.current("session").questions.all())
    for nomination, scores, text in (
        (be, [5, 5, 4, 4], "More time for the border hand-over exercise."),
        (de, [4, 5, 3, 4], "The German notification form should be in the documents."),
    ):
        likert = iter(scores)
        answers = {
            question.pk: next(likert) if question.is_likert else text for question in questions
        }
        services_evaluations.evaluation_submit(
            actor=nomination.nominee,
            nomination=nomination,
            kind=EvaluationKind.SESSION,
            answers=answers,
            now=_at(2026, 11, 6),
        )
    certificates.certificate_issue(actor=be.nominee, nomination=be, now=_at(2026, 11, 10))
