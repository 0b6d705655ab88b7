"""Only hand-offs live here: Wagtail signals page publication from the admin, workflows and
the scheduled publisher alike, so the email is queued from the signal and sent by a task;
allauth removes second factors in its own views and says so only by signal. A page view
restriction saved or deleted (admin privacy dialog), a page moved or deleted, or an alias
saved, forgets portal.visibility's cached map of restrictions; a user's groups changed forget what
was worked out for that user instance. Saving or deleting published content replaces the
content generation of portal.fragments, so no cached fragment outlives what it shows. A site
saved or deleted clears this process's memo of portal.sites."""

from allauth.mfa.signals import authenticator_removed
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, post_page_move

from portal.models import UpdatePage
from portal.services import update_email_queue, user_tokens_revoke
from portal.sites import forget_sites
from portal.visibility import user_groups_changed, view_restrictions_changed


@receiver(page_published, sender=UpdatePage)
def queue_update_email(sender, instance, **kwargs):
    update_email_queue(page=instance)


@receiver(post_save, sender=PageViewRestriction, dispatch_uid="portal-restriction-saved")
@receiver(post_delete, sender=PageViewRestriction, dispatch_uid="portal-restriction-deleted")
@receiver(post_page_move, dispatch_uid="portal-restriction-page-moved")
def forget_view_restriction_cache(sender, **kwargs):
    view_restrictions_changed()


@receiver(post_save, dispatch_uid="portal-restriction-alias-saved")
def forget_view_restriction_cache_for_aliases(sender, instance, **kwargs):
    # The map lists the aliases; an ordinary publication changes nothing in it.
    if isinstance(instance, Page) and instance.alias_of_id is not None:
        view_restrictions_changed()


@receiver(post_delete, dispatch_uid="portal-restriction-page-deleted")
def forget_view_restriction_cache_of_deleted_pages(sender, instance, **kwargs):
    # A deleted page frees its path (and may have been an alias).
    if isinstance(instance, Page):
        view_restrictions_changed()


# Page rows (every page type, revisions, moves), the knowledge app's own rows (inline rules,
# contacts, tags, documents) and countries (their names head the matrix).
_CONTENT_APPS = frozenset({"wagtailcore", "wagtaildocs", "knowledge"})


def _is_content(sender):
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    return (
        meta.app_label in _CONTENT_APPS
        or meta.label_lower == "portal.country"
        or (issubclass(sender, Page))
    )


@receiver(post_save, dispatch_uid="portal-content-saved")
@receiver(post_delete, dispatch_uid="portal-content-deleted")
def forget_cached_fragments(sender, **kwargs):
    if _is_content(sender):
        from portal.fragments import content_changed

        content_changed()


@receiver(post_save, sender=Site, dispatch_uid="portal-site-saved")
@receiver(post_delete, sender=Site, dispatch_uid="portal-site-deleted")
def forget_memoised_sites(sender, **kwargs):
    forget_sites()


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="portal-user-groups")
def forget_hidden_paths_of_user(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(
        instance, get_user_model()
    ):
        user_groups_changed(instance)


@receiver(authenticator_removed)
def revoke_tokens_when_a_factor_is_removed(sender, user, **kwargs):
    user_tokens_revoke(user=user)
