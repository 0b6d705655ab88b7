"""The Meetings index under the home page, page permissions for the Presidency roles on it,
and the Presidency approval workflow for meeting pages (editors submit, approvers publish)."""

from django.db import migrations


def _page_permission(apps, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=f"{codename}_page",
        defaults={"name": f"Can {codename} page"},
    )
    return permission


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("portal", "HomePage")
    RoleGroup = apps.get_model("portal", "RoleGroup")
    MeetingIndexPage = apps.get_model("meetings", "MeetingIndexPage")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    home = HomePage.objects.order_by("path").first()
    if home is None or MeetingIndexPage.objects.exists():
        return
    index_ct, _ = ContentType.objects.get_or_create(app_label="meetings", model="meetingindexpage")
    # Next free treebeard position under home (steplen 4, base 36 digits 0-9A-Z).
    last_child = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).order_by(
        "-path"
    ).first()
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    step = 1 if last_child is None else int(last_child.path[-4:], 36) + 1
    suffix = ""
    for _ in range(4):
        step, digit = divmod(step, 36)
        suffix = alphabet[digit] + suffix
    index = MeetingIndexPage.objects.create(
        title="Meetings",
        draft_title="Meetings",
        slug="meetings",
        content_type=index_ct,
        path=home.path + suffix,
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}meetings/",
        live=True,
        locale_id=home.locale_id,
        intro="Meetings of the network of Heads of SPOC, convened by the Council Presidency "
        "at least twice a year, and the archive of past meetings.",
    )
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)

    groups = {rg.role: rg.group for rg in RoleGroup.objects.select_related("group")}
    for role, codenames in (
        ("presidency", ("add", "change")),
        ("presidency_approver", ("add", "change", "publish")),
    ):
        if role not in groups:
            continue
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=groups[role], page_id=index.pk, permission=_page_permission(apps, codename)
            )

    task = GroupApprovalTask.objects.filter(name="Presidency approval").first()
    if task is not None:
        workflow = Workflow.objects.create(name="Presidency meeting approval", active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(page_id=index.pk, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_meetings"),
        ("portal", "0004_site_roles_workflow"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
