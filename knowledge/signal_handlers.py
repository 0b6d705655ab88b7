"""Only hand-offs live here; the rules are in knowledge.services.

- A knowledge page is published (admin, workflow approval, scheduled publisher): extract its
  documents' text and re-index it; an obstacle's status change is recorded in its history.
- A document's file is saved: re-extract its text if a knowledge page uses it.
- A user's role groups or organisation change: keep their fact-sheet editor group in step.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from wagtail.documents import get_document_model
from wagtail.signals import page_published

from knowledge.models import (
    BestPracticePage,
    FactSheetPage,
    KnowledgeDocumentPage,
    ObstaclePage,
)
from knowledge.services import (
    fact_sheet_editor_groups_sync,
    knowledge_page_published,
    obstacle_status_record,
    pages_with_document,
)
from knowledge.tasks import extract_document_text
from portal.models import RoleGroup

User = get_user_model()


def _published(sender, instance, **kwargs):
    knowledge_page_published(page=instance)


for _model in (FactSheetPage, BestPracticePage, KnowledgeDocumentPage, ObstaclePage):
    page_published.connect(_published, sender=_model, dispatch_uid=f"knowledge-{_model.__name__}")


@receiver(page_published, sender=ObstaclePage, dispatch_uid="knowledge-obstacle-status")
def record_obstacle_status(sender, instance, revision=None, **kwargs):
    obstacle_status_record(obstacle=instance, user=getattr(revision, "user", None))


@receiver(post_save, sender=get_document_model(), dispatch_uid="knowledge-document-saved")
def document_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw or created:
        return  # a new document is extracted when a knowledge page using it is published
    if update_fields is not None and "file" not in update_fields:
        return  # e.g. Wagtail filling in file_hash: the file itself did not change

    if pages_with_document(instance.pk):
        extract_document_text.enqueue(document_id=instance.pk)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="knowledge-user-groups")
def user_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return

    role_group_ids = set(RoleGroup.objects.values_list("group_id", flat=True))
    if not reverse:
        if action == "post_clear" or (pk_set and pk_set & role_group_ids):
            fact_sheet_editor_groups_sync(user=instance)
    elif instance.pk in role_group_ids and pk_set:
        for user in User.objects.filter(pk__in=pk_set):
            fact_sheet_editor_groups_sync(user=user)


@receiver(post_save, sender=User, dispatch_uid="knowledge-user-saved")
def user_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if raw or created:
        return
    if update_fields is not None and not {"organisation", "is_active"} & set(update_fields):
        return

    fact_sheet_editor_groups_sync(user=instance)
