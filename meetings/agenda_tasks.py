"""Background work of the agenda part (django-tasks): an agency's representatives hear that
their agency is invited to a meeting because an agenda item concerns it. Once per
invitation: the task claims `notified_at` before sending."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from meetings.models import AgencyInvitation
from meetings.selectors import meeting_absolute_url
from portal.models import Role, User


@task()
def send_agency_invitation(*, invitation_id):
    invitation = (
        AgencyInvitation.objects.select_related("meeting", "organisation", "agenda_item")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.meeting.live:
        return 0
    claimed = AgencyInvitation.objects.filter(pk=invitation_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    if not claimed:
        return 0

    recipients = list(
        User.objects.filter(
            is_active=True,
            organisation=invitation.organisation,
            groups__portal_role__role=Role.AGENCY,
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
    meeting = invitation.meeting
    context = {
        "invitation": invitation,
        "meeting": meeting,
        "item": invitation.agenda_item,
        "url": meeting_absolute_url(meeting),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    body = render_to_string("meetings/email/agency_invitation.txt", context)
    subject = f"[SPOC Network] {invitation.organisation.short_name} is invited: {meeting.title}"
    with get_connection() as connection:
        for email in recipients:
            EmailMessage(subject=subject, body=body, to=[email], connection=connection).send()
    return len(recipients)
