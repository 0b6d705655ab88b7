"""Demo training data for `manage.py seed_demo`: an open needs round for 2027 answered by
several countries. Idempotent (by the round's title). The dates are fixed, so the actions
are taken at fixed moments (`now=`) as if done then.

Germany's officer (officer.de@example.eu) is named a needs delegate by its head."""

import datetime

from portal.demo import register_seeder

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


def _user(email):
    from portal.models import User

    return User.objects.filter(email=email).first()


@register_seeder
def seed_training_needs(report):
    from portal.models import Country
    from training import services
    from training.models import NeedsAnswer, NeedsResponse, NeedsRound, TrainingTopic

    trainer = _user("trainer.nl@example.eu")
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
    heads = {"BE": _user("head.be@example.eu"), "DE": _user("head.de@example.eu")}
    officer_de = _user("officer.de@example.eu")
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
