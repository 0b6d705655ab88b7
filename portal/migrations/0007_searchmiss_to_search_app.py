"""SearchMiss moved to the `search` app (search/migrations/0001_initial.py takes it over):
removed from the portal's state only; the table portal_searchmiss and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_user_disabled_by"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SearchMiss")],
            database_operations=[],
        ),
    ]
