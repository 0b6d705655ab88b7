"""Document permissions per owner instead of on the whole library.

Until now editors, trainers and the Presidency had add *and change* on the root collection:
change includes replacing and deleting, so one country's editor could replace another
country's legal-basis PDF. Now:

- Root > Countries > one collection per country: change for that country's "Fact sheet editors
  XX" group only (the national editors of XX, kept in it by fact_sheet_editor_groups_sync);
- Root > Presidency: change for Presidency editors and approvers;
- Root > Training: change for trainers;
- on the root (and so everywhere) these roles keep add and choose only: Wagtail's ownership
  policy lets each person edit what they uploaded themselves.

Documents already attached to a country's fact sheets (attachments or legal bases) move into
that country's collection.
"""

from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
BROAD_ROLES = ("editor", "trainer", "presidency", "presidency_approver")


def _encode(step):
    suffix = ""
    for _ in range(4):
        step, digit = divmod(step, 36)
        suffix = ALPHABET[digit] + suffix
    return suffix


def _child_collection(Collection, parent, name):
    existing = Collection.objects.filter(
        path__startswith=parent.path, depth=parent.depth + 1, name=name
    ).first()
    if existing is not None:
        return existing
    last = (
        Collection.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .first()
    )
    step = 1 if last is None else int(last.path[-4:], 36) + 1
    child = Collection.objects.create(
        name=name, path=parent.path + _encode(step), depth=parent.depth + 1, numchild=0
    )
    parent.numchild += 1
    Collection.objects.filter(pk=parent.pk).update(numchild=parent.numchild)
    return child


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Document = apps.get_model("wagtaildocs", "Document")
    Country = apps.get_model("portal", "Country")
    RoleGroup = apps.get_model("portal", "RoleGroup")
    FactSheetEditorGroup = apps.get_model("knowledge", "FactSheetEditorGroup")
    FactSheetDocument = apps.get_model("knowledge", "FactSheetDocument")
    LegalBasis = apps.get_model("knowledge", "LegalBasis")

    content_type, _ = ContentType.objects.get_or_create(app_label="wagtaildocs", model="document")
    perms = {}
    for codename in ("add", "change", "choose"):
        perms[codename], _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{codename}_document",
            defaults={"name": f"Can {codename} document"},
        )
    role_groups = dict(RoleGroup.objects.values_list("role", "group_id"))
    root = Collection.objects.get(depth=1)

    # Broad roles: add and choose anywhere, no change on the whole library.
    for role in BROAD_ROLES:
        group_id = role_groups.get(role)
        if group_id is None:
            continue
        GroupCollectionPermission.objects.filter(
            group_id=group_id, collection=root, permission=perms["change"]
        ).delete()
        for codename in ("add", "choose"):
            GroupCollectionPermission.objects.get_or_create(
                group_id=group_id, collection=root, permission=perms[codename]
            )

    def grant(collection, group_id):
        for codename in ("add", "change", "choose"):
            GroupCollectionPermission.objects.get_or_create(
                group_id=group_id, collection=collection, permission=perms[codename]
            )

    countries = _child_collection(Collection, root, "Countries")
    root.refresh_from_db()
    editor_groups = dict(FactSheetEditorGroup.objects.values_list("country_id", "group_id"))
    by_country = {}
    for country in Country.objects.order_by("name"):
        collection = _child_collection(Collection, countries, country.name)
        countries.refresh_from_db()
        by_country[country.pk] = collection
        if country.pk in editor_groups:
            grant(collection, editor_groups[country.pk])
    presidency = _child_collection(Collection, root, "Presidency")
    root.refresh_from_db()
    for role in ("presidency", "presidency_approver"):
        if role in role_groups:
            grant(presidency, role_groups[role])
    training = _child_collection(Collection, root, "Training")
    if "trainer" in role_groups:
        grant(training, role_groups["trainer"])

    attached = list(
        FactSheetDocument.objects.values_list("document_id", "page__country_id")
    ) + list(
        LegalBasis.objects.filter(document__isnull=False).values_list(
            "document_id", "page__country_id"
        )
    )
    for document_id, country_id in attached:
        if country_id in by_country:
            Document.objects.filter(pk=document_id, collection=root).update(
                collection=by_country[country_id]
            )


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0004_reviewer_permission"),
        ("portal", "0004_site_roles_workflow"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
