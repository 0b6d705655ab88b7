"""The knowledge tree under the home page (Knowledge > Fact sheets / Best practices /
Obstacles / Documents), one country page per country, and who edits what:

- one group per country, "Fact sheet editors XX", with add + change (no publish) on that
  country's fact-sheet page; national editors of country XX are kept in it by
  knowledge.services.fact_sheet_editor_groups_sync;
- the "National editors" role group: add + change on best practices and obstacles;
- "Knowledge reviewers" (members chosen by administrators): add, change and publish on the
  whole knowledge tree, and the only approvers of the "Fact sheet review" workflow, which is
  assigned to the Knowledge page, so every knowledge page an editor changes is reviewed.
"""

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
REVIEWERS_GROUP = "Knowledge reviewers"
EDITOR_GROUP_PREFIX = "Fact sheet editors "


def _encode(step):
    suffix = ""
    for _ in range(4):
        step, digit = divmod(step, 36)
        suffix = ALPHABET[digit] + suffix
    return suffix


def _permission(apps, app_label, model, codename, name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": name}
    )
    return permission


def _add_child(apps, parent, model_name, **fields):
    """Create a live page of knowledge.<model_name> as the parent's last child (treebeard
    materialised path, steplen 4)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    model = apps.get_model("knowledge", model_name)
    content_type, _ = ContentType.objects.get_or_create(
        app_label="knowledge", model=model_name.lower()
    )
    parent = Page.objects.get(pk=parent.pk)
    last_child = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .first()
    )
    step = 1 if last_child is None else int(last_child.path[-4:], 36) + 1
    page = model.objects.create(
        draft_title=fields["title"],
        content_type=content_type,
        path=parent.path + _encode(step),
        depth=parent.depth + 1,
        numchild=0,
        url_path=f"{parent.url_path}{fields['slug']}/",
        live=True,
        locale_id=parent.locale_id,
        **fields,
    )
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
    return page


def forwards(apps, schema_editor):
    HomePage = apps.get_model("portal", "HomePage")
    Country = apps.get_model("portal", "Country")
    RoleGroup = apps.get_model("portal", "RoleGroup")
    Group = apps.get_model("auth", "Group")
    KnowledgeIndexPage = apps.get_model("knowledge", "KnowledgeIndexPage")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    ContentType = apps.get_model("contenttypes", "ContentType")

    home = HomePage.objects.order_by("path").first()
    if home is None or KnowledgeIndexPage.objects.exists():
        return

    knowledge = _add_child(
        apps,
        home,
        "KnowledgeIndexPage",
        title="Knowledge",
        slug="knowledge",
        intro="National fact sheets on cross-border operations and information exchange, "
        "the network's best practices, the obstacles register and reference documents.",
    )
    fact_sheets = _add_child(
        apps,
        knowledge,
        "FactSheetIndexPage",
        title="Fact sheets",
        slug="factsheets",
        intro="Each country keeps its own fact sheets current; everyone in the network reads "
        "and compares them.",
    )
    practices = _add_child(
        apps,
        knowledge,
        "BestPracticeIndexPage",
        title="Best practices",
        slug="best-practices",
        intro="What has worked for SPOCs elsewhere: workflows, case management, training, "
        "legal solutions and cooperation.",
    )
    obstacles = _add_child(
        apps,
        knowledge,
        "ObstacleIndexPage",
        title="Obstacles",
        slug="obstacles",
        intro="Legal, pragmatic and technical obstacles to cross-border cooperation identified "
        "by the network, with the solutions proposed and where they stand.",
    )
    _add_child(
        apps,
        knowledge,
        "DocumentIndexPage",
        title="Documents",
        slug="documents",
        intro="Reference documents: handbooks, Council documents and national guidance.",
    )

    perms = {
        codename: _permission(
            apps, "wagtailcore", "page", f"{codename}_page", f"Can {codename} page"
        )
        for codename in ("add", "change", "publish")
    }
    access_admin = _permission(
        apps, "wagtailadmin", "admin", "access_admin", "Can access Wagtail admin"
    )

    for country in Country.objects.order_by("name"):
        page = _add_child(
            apps,
            fact_sheets,
            "CountryFactSheetsPage",
            title=country.name,
            slug=country.code.lower(),
            country=country,
        )
        group, _ = Group.objects.get_or_create(name=f"{EDITOR_GROUP_PREFIX}{country.code}")
        for codename in ("add", "change"):
            GroupPagePermission.objects.get_or_create(
                group=group, page_id=page.pk, permission=perms[codename]
            )

    editors = RoleGroup.objects.filter(role="editor").select_related("group").first()
    if editors is not None:
        for page in (practices, obstacles):
            for codename in ("add", "change"):
                GroupPagePermission.objects.get_or_create(
                    group=editors.group, page_id=page.pk, permission=perms[codename]
                )

    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    reviewers.permissions.add(access_admin)
    for codename in ("add", "change", "publish"):
        GroupPagePermission.objects.get_or_create(
            group=reviewers, page_id=knowledge.pk, permission=perms[codename]
        )
    root_collection = Collection.objects.filter(depth=1).first()
    if root_collection is not None:
        for codename, name in (
            ("add_document", "Can add document"),
            ("change_document", "Can change document"),
            ("choose_document", "Can choose document"),
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=reviewers,
                collection=root_collection,
                permission=_permission(apps, "wagtaildocs", "document", codename, name),
            )

    task_ct, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(
        name="Knowledge reviewers approval", content_type=task_ct, active=True
    )
    task.groups.set([reviewers])
    workflow = Workflow.objects.create(name="Fact sheet review", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(page_id=knowledge.pk, workflow=workflow)


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0001_knowledge"),
        ("portal", "0005_search_miss"),
        ("meetings", "0002_meetings_index"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
