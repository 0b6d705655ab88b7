"""The people who wrote each activity report, for the four-eyes rule on approval. Existing
reports start with their creator and each section's last editor (all that was recorded)."""

from django.conf import settings
from django.db import migrations, models


def record_known_editors(apps, schema_editor):
    ActivityReport = apps.get_model("meetings", "ActivityReport")
    for report in ActivityReport.objects.all():
        ids = {report.created_by_id}
        ids.update(report.sections.values_list("updated_by_id", flat=True))
        ids.discard(None)
        report.editors.add(*ids)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_activity_report"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="activityreport",
            name="editors",
            field=models.ManyToManyField(
                blank=True, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.RunPython(record_known_editors, migrations.RunPython.noop),
    ]
