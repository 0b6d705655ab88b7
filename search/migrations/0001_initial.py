"""SearchMiss, taken over from the portal app (portal/migrations/0007_searchmiss_to_search_app.py)
with its table, portal_searchmiss, and its rows: created in the state only. Its content type is
renamed from portal.searchmiss to search.searchmiss, so the permissions on it (and the groups
holding them) and the admin's log entries keep pointing at it."""

from django.db import migrations, models


def _move_content_type(apps, schema_editor, from_label, to_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    if content_types.filter(app_label=to_label, model="searchmiss").exists():
        return  # already there (e.g. created by an earlier migrate run): leave both alone
    content_types.filter(app_label=from_label, model="searchmiss").update(app_label=to_label)


def content_type_to_search(apps, schema_editor):
    _move_content_type(apps, schema_editor, "portal", "search")


def content_type_to_portal(apps, schema_editor):
    _move_content_type(apps, schema_editor, "search", "portal")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0007_searchmiss_to_search_app"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchMiss",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("query_string", models.CharField(max_length=255, unique=True)),
                        ("searches", models.PositiveIntegerField(default=0)),
                        ("first_searched_at", models.DateTimeField()),
                        ("last_searched_at", models.DateTimeField()),
                    ],
                    options={
                        "verbose_name": "search with no results",
                        "verbose_name_plural": "searches with no results",
                        "ordering": ["-searches", "-last_searched_at"],
                        "db_table": "portal_searchmiss",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_search, content_type_to_portal),
    ]
