"""The page tree's fixed top (home dashboard, Presidency updates), one group per role with its
permissions, and the moderation workflow for Presidency updates."""

from django.db import migrations

ROLE_GROUPS = [
    ("head", "Heads of SPOC"),
    ("officer", "SPOC officers"),
    ("editor", "National editors"),
    ("trainer", "Trainers"),
    ("presidency", "Presidency editors"),
    ("presidency_approver", "Presidency approvers"),
    ("agency", "Agency representatives"),
]
ADMIN_ROLES = {"editor", "trainer", "presidency", "presidency_approver"}


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Collection = apps.get_model("wagtailcore", "Collection")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    HomePage = apps.get_model("portal", "HomePage")
    UpdateIndexPage = apps.get_model("portal", "UpdateIndexPage")
    RoleGroup = apps.get_model("portal", "RoleGroup")

    # --- Page tree: replace Wagtail's welcome page with the dashboard home ---------------
    page_ct = ContentType.objects.get(app_label="wagtailcore", model="page")
    Page.objects.filter(content_type=page_ct, depth=2, slug="home").delete()
    home_ct, _ = ContentType.objects.get_or_create(app_label="portal", model="homepage")
    index_ct, _ = ContentType.objects.get_or_create(app_label="portal", model="updateindexpage")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title="Home",
        draft_title="Home",
        slug="home",
        content_type=home_ct,
        path=root.path + "0001",
        depth=2,
        numchild=1,
        url_path="/home/",
        live=True,
        locale_id=root.locale_id,
        intro="The collaboration portal of the European network of Heads of SPOC.",
    )
    root.numchild = 1
    root.save(update_fields=["numchild"])
    updates = UpdateIndexPage.objects.create(
        title="Presidency updates",
        draft_title="Presidency updates",
        slug="updates",
        content_type=index_ct,
        path=home.path + "0001",
        depth=3,
        numchild=0,
        url_path="/home/updates/",
        live=True,
        locale_id=root.locale_id,
        intro="News from the Council Presidency to the network, and the network's reports "
        "to the DAPIX/IXIM working party.",
    )
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True,
        site_name="SPOC Network Portal",
    )

    # --- One group per role ---------------------------------------------------------------
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin")
    groups = {}
    for role, name in ROLE_GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        RoleGroup.objects.get_or_create(role=role, defaults={"group": group})
        if role in ADMIN_ROLES:
            group.permissions.add(access_admin)
        groups[role] = group

    # Presidency editors draft and submit; approvers also publish.
    page_perms = {
        codename: _permission(apps, "wagtailcore", "page", f"{codename}_page", f"Can {codename} page")
        for codename in ("add", "change", "publish")
    }
    for role, codenames in (
        ("presidency", ("add", "change")),
        ("presidency_approver", ("add", "change", "publish")),
    ):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=groups[role], page_id=updates.pk, permission=page_perms[codename]
            )
    root_collection = Collection.objects.get(depth=1)
    for codename, name in (
        ("add_document", "Can add document"),
        ("change_document", "Can change document"),
        ("choose_document", "Can choose document"),
    ):
        permission = _permission(apps, "wagtaildocs", "document", codename, name)
        for role in ("presidency", "presidency_approver", "editor", "trainer"):
            GroupCollectionPermission.objects.get_or_create(
                group=groups[role], collection=root_collection, permission=permission
            )

    # --- Moderation of Presidency updates ---------------------------------------------------
    task_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.create(
        name="Presidency approval", content_type=task_ct, active=True
    )
    task.groups.set([groups["presidency_approver"]])
    workflow = Workflow.objects.create(name="Presidency update approval", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page_id=updates.pk, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_reference_data"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
