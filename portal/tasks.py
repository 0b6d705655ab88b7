"""Background work (django-tasks): emails never go out inside a web request."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from portal.models import UpdateNotification, UpdatePage, User
from portal.services import invitation_link_mint
from portal.visibility import users_who_may_see

# Tasks queued before site search became an app of its own name this path; they still run.
from search.tasks import record_search_queries  # noqa: F401


def absolute_url(path):
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


@task()
def send_invitation_email(*, invitation_id):
    """Mint the invitation's link and email it. The secret exists only here and in the
    message: the task's stored arguments and result hold the id alone."""
    minted = invitation_link_mint(invitation_id=invitation_id)
    if minted is None:
        return False  # revoked, accepted or expired before the worker got to it
    invitation, token = minted
    context = {"invitation": invitation, "site_name": settings.WAGTAIL_SITE_NAME}
    if token is None:
        # The address already has an account: its owner learns of the invitation and how to
        # sign in; the inviter sees the same as for anyone else (nothing tells them).
        template = "portal/email/invitation_existing_account.txt"
        context["login"] = absolute_url(reverse("account_login"))
        context["reset"] = absolute_url(reverse("account_reset_password"))
    else:
        template = "portal/email/invitation.txt"
        context["link"] = absolute_url(reverse("portal:invitation_accept", args=[token]))
    message = EmailMultiAlternatives(
        subject=f"[SPOC Network] You are invited to the {settings.WAGTAIL_SITE_NAME}",
        body=render_to_string(template, context),
        to=[invitation.email],
    )
    message.send()
    return True


def _page_path(page):
    """The page's path on the site. (get_url() turns absolute, with the Site record's
    hostname, as soon as there are several sites; the portal's address is BASE_URL.)"""
    parts = page.get_url_parts()
    return parts[2] if parts else "/"


@task()
def send_update_notification(*, page_id):
    """Email every active member who opted in and may see the update, one message each, once
    per update."""
    page = UpdatePage.objects.live().filter(pk=page_id).first()
    if page is None:
        return 0
    # Claim the notification: of two tasks queued for the same update, only one sends.
    claimed = UpdateNotification.objects.filter(page_id=page_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return 0
    # Only members who may open the update hear of it (a privacy setting narrows the list).
    recipients = list(
        users_who_may_see(page, User.objects.filter(notify_updates=True).exclude(email=""))
        .order_by("pk")
        .values_list("email", flat=True)
    )
    context = {
        "page": page,
        "link": absolute_url(_page_path(page)),
        "preferences": absolute_url(reverse("portal:account_preferences")),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    subject = f"[SPOC Network] {page.title}"
    body = render_to_string("portal/email/update_published.txt", context)
    # One message per recipient: members' addresses are not shown to each other.
    with get_connection() as connection:
        messages = [
            EmailMultiAlternatives(subject=subject, body=body, to=[address], connection=connection)
            for address in recipients
        ]
        connection.send_messages(messages)
    UpdateNotification.objects.filter(page_id=page_id).update(recipient_count=len(recipients))
    return len(recipients)
