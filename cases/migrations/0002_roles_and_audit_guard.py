from django.db import migrations

DATA_PROTECTION_GROUP = "Data protection officers (cases)"

SQLITE_TRIGGERS = [
    """CREATE TRIGGER cases_auditentry_no_update BEFORE UPDATE ON cases_auditentry
    BEGIN SELECT RAISE(ABORT, 'the case audit log is append-only'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS cases_auditentry_no_update"]
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION cases_auditentry_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'the case audit log is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER cases_auditentry_no_change BEFORE UPDATE OR DELETE ON cases_auditentry
    FOR EACH ROW EXECUTE FUNCTION cases_auditentry_append_only()""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS cases_auditentry_no_change ON cases_auditentry",
    "DROP FUNCTION IF EXISTS cases_auditentry_append_only()",
]


def grant(apps, schema_editor):
    """Heads and officers hold cases.work_on_cases (the "Cases" link in the header reads it
    from Django's per-request permission cache; cases.permissions decides access from the
    roles and the country). Heads and the data-protection group read the audit log."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    RoleGroup = apps.get_model("portal", "RoleGroup")
    content_type, _ = ContentType.objects.get_or_create(app_label="cases", model="case")
    work, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="work_on_cases",
        defaults={"name": "Can work in the country's case register"},
    )
    read_audit, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="read_case_audit_log",
        defaults={"name": "Can read the country's case audit log"},
    )
    for role in ("head", "officer"):
        role_group = RoleGroup.objects.filter(role=role).select_related("group").first()
        if role_group is not None:
            role_group.group.permissions.add(work)
            if role == "head":
                role_group.group.permissions.add(read_audit)
    dpo, _ = Group.objects.get_or_create(name=DATA_PROTECTION_GROUP)
    dpo.permissions.add(read_audit)


def triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("portal", "0005_search_miss"),
    ]

    operations = [
        migrations.RunPython(grant, migrations.RunPython.noop),
        migrations.RunPython(triggers, drop_triggers),
    ]
