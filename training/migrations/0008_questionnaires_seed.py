"""The two questionnaires participants get until the trainers change them (after the session;
the follow-up on the transfer to the job, 3 and 6 months later), and the trainers' rights on
questionnaires in the admin (add, change, view; a questionnaire that has answers is retired
by unticking active, never deleted)."""

from django.db import migrations

QUESTIONNAIRES = [
    (
        "Evaluation of the session",
        "session",
        [
            ("The session met its stated objectives.", "likert"),
            ("The content is relevant to my work at the SPOC.", "likert"),
            ("The trainers explained the subject clearly.", "likert"),
            ("The organisation (venue or online tools, documents) was good.", "likert"),
            ("What should be improved?", "text"),
        ],
    ),
    (
        "Follow-up: transfer to the job",
        "follow_up",
        [
            ("I use what I learned in my daily work.", "likert"),
            ("The training improved the quality or speed of my information exchange.", "likert"),
            ("My unit has made it possible to apply what I learned.", "likert"),
            ("Give an example of how you applied it, or what stopped you.", "text"),
        ],
    ),
]


def forwards(apps, schema_editor):
    Questionnaire = apps.get_model("training", "Questionnaire")
    Question = apps.get_model("training", "Question")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    RoleGroup = apps.get_model("portal", "RoleGroup")
    for title, kind, questions in QUESTIONNAIRES:
        if Questionnaire.objects.filter(kind=kind).exists():
            continue
        questionnaire = Questionnaire.objects.create(title=title, kind=kind, active=True)
        for order, (text, question_kind) in enumerate(questions):
            Question.objects.create(
                questionnaire=questionnaire,
                text=text,
                kind=question_kind,
                required=question_kind == "likert",
                sort_order=order,
            )
    trainers = RoleGroup.objects.filter(role="trainer").select_related("group").first()
    if trainers is None:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="training", model="questionnaire")
    for codename, name in (
        ("add_questionnaire", "Can add questionnaire"),
        ("change_questionnaire", "Can change questionnaire"),
        ("view_questionnaire", "Can view questionnaire"),
    ):
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        trainers.group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0007_evaluations"),
        ("portal", "0005_search_miss"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
