"""The managed list of training topics, seeded with what Directive (EU) 2023/977 and the
network's core group of training experts name; and the trainers' rights on it (add and
change in the admin's snippets; nobody deletes a topic, retire it instead)."""

from django.db import migrations

TOPICS = [
    (
        "siena",
        "SIENA",
        "Europol's Secure Information Exchange Network Application: handling codes, "
        "evaluation codes, message workflow (Directive (EU) 2023/977 Art. 13 and 15(3)).",
    ),
    (
        "directive-2023-977",
        "Directive (EU) 2023/977",
        "Information exchange between law enforcement authorities: the SPOC's tasks, time "
        "limits, grounds for refusal, channels and languages.",
    ),
    (
        "sis-sirene",
        "SIS/SIRENE",
        "The Schengen Information System and the SIRENE Bureau's procedures.",
    ),
    (
        "interpol-channels",
        "Interpol channels",
        "I-24/7, notices and diffusions, and when to use Interpol's channels.",
    ),
    (
        "data-protection",
        "Data protection",
        "Directive (EU) 2016/680: lawful processing, logging, data subjects' rights.",
    ),
    (
        "languages",
        "Languages",
        "Working languages of international police cooperation (Directive (EU) 2023/977 "
        "Art. 11), English in the first place.",
    ),
    (
        "case-management",
        "Case-management system",
        "Registering, cross-checking and following up requests in the SPOC's case-management "
        "system (Directive (EU) 2023/977 Art. 16).",
    ),
    (
        "cross-border-operations",
        "Cross-border operations",
        "Cross-border surveillance, hot pursuit, joint operations (Art. 40 and 41 CISA, "
        "Council Decision 2008/615/JHA).",
    ),
]


def forwards(apps, schema_editor):
    TrainingTopic = apps.get_model("training", "TrainingTopic")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    RoleGroup = apps.get_model("portal", "RoleGroup")

    for order, (slug, name, description) in enumerate(TOPICS, start=1):
        TrainingTopic.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "sort_order": order * 10},
        )

    content_type, _ = ContentType.objects.get_or_create(app_label="training", model="trainingtopic")
    trainers = RoleGroup.objects.filter(role="trainer").select_related("group").first()
    if trainers is None:
        return
    for codename, name in (
        ("add_trainingtopic", "Can add training topic"),
        ("change_trainingtopic", "Can change training topic"),
        ("view_trainingtopic", "Can view training topic"),
    ):
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        trainers.group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_training"),
        ("portal", "0005_search_miss"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
