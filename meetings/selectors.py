"""Reads on meetings, already scoped to what the asking user may see: published meetings
only (drafts never), for active members of the network only."""

import datetime

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from meetings import permissions
from meetings.models import MeetingPage, MeetingYearPage, Registration
from portal.models import AccessToken, PresidencyTerm
from portal.tokens import access_token_for


def meetings_visible_to(user):
    """Published meetings the user may see, earliest first."""
    if not permissions.can_see_meetings(user):
        return MeetingPage.objects.none()
    qs = MeetingPage.objects.live().select_related("presidency__country").order_by("start", "pk")
    for path in _paths_hidden_from(user):
        qs = qs.exclude(path__startswith=path)
    return qs


def _paths_hidden_from(user):
    """Tree paths under a Wagtail privacy setting the user does not pass: page views apply
    them, and so do feeds, downloads and the API. (A password cannot be given there.)"""
    restrictions = list(
        PageViewRestriction.objects.values_list("pk", "restriction_type", "page__path")
    )
    if not restrictions:
        return []
    user_groups = set(user.groups.values_list("pk", flat=True))
    allowed = {
        restriction_id
        for restriction_id, group_id in PageViewRestriction.groups.through.objects.filter(
            pageviewrestriction_id__in=[r[0] for r in restrictions]
        ).values_list("pageviewrestriction_id", "group_id")
        if group_id in user_groups
    }
    hidden = []
    for restriction_id, kind, path in restrictions:
        if kind == PageViewRestriction.LOGIN:
            continue
        if kind == PageViewRestriction.GROUPS and (user.is_superuser or restriction_id in allowed):
            continue
        hidden.append(path)
    return hidden


def meeting_visible_to(user, meeting_id):
    """One published meeting by id, or None when it does not exist or may not be seen."""
    return meetings_visible_to(user).filter(pk=meeting_id).first()


def meetings_upcoming(*, user, now=None, limit=None):
    """Meetings not yet over, soonest first (cancelled ones included, marked as such)."""
    now = now or timezone.now()
    qs = meetings_visible_to(user).filter(end__gte=now)
    return qs[:limit] if limit else qs


ANY_UPCOMING_KEY = "meetings:any-upcoming"


def any_meeting_upcoming(*, now=None):
    """Whether any published meeting is still to come. Cached (the dashboard asks on every
    visit): a False answer is only made wrong by a publication, which forgets it (see
    meetings.services.meeting_calendar_sync); a stale True only costs the full query."""
    value = cache.get(ANY_UPCOMING_KEY)
    if value is None:
        now = now or timezone.now()
        value = MeetingPage.objects.live().filter(end__gte=now).exists()
        cache.set(ANY_UPCOMING_KEY, value, 300)
    return value


def forget_upcoming():
    cache.delete(ANY_UPCOMING_KEY)


def meetings_of_year(*, user, year_page):
    return meetings_visible_to(user).child_of(year_page)


def meeting_years():
    """The archive's years, newest first."""
    return MeetingYearPage.objects.live().order_by("-year")


def meetings_for_feed(*, user, now=None):
    """What a calendar subscription shows: the user's visible meetings from two years back."""
    now = now or timezone.now()
    return meetings_visible_to(user).filter(end__gte=now - datetime.timedelta(days=731))


def meeting_absolute_url(meeting, *, request=None):
    """The meeting page's address on the portal (BASE_URL, whatever host a calendar client
    or a proxy used; the Site's hostname is not the portal's address)."""
    parts = meeting.get_url_parts(request=request)
    path = parts[2] if parts else "/"
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def calendar_feed_urls(*, request, user):
    """The user's personal subscription addresses (https and webcal), or None."""
    if not permissions.can_see_meetings(user):
        return None
    token = access_token_for(user=user, purpose=AccessToken.Purpose.CALENDAR)
    https = request.build_absolute_uri(reverse("meetings:calendar_feed", args=[token]))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def presidency_terms_without_meeting(*, today=None):
    """The current and the next Presidency semesters that have no meeting in preparation
    (any meeting page dated in the semester, draft or published, that is neither cancelled
    nor postponed counts)."""
    today = today or timezone.localdate()
    terms = list(
        PresidencyTerm.objects.select_related("country")
        .filter(ends_on__gte=today)
        .order_by("starts_on")[:2]
    )
    missing = []
    for term in terms:
        has_meeting = (
            MeetingPage.objects.filter(
                start__date__gte=term.starts_on, start__date__lte=term.ends_on
            )
            .exclude(status__in=[MeetingPage.Status.CANCELLED, MeetingPage.Status.POSTPONED])
            .exists()
        )
        if not has_meeting:
            missing.append(term)
    return missing


def delegation_of(*, user, meeting):
    """The user's own country's registrations for the meeting (a Head of SPOC's), seats
    first, then the waiting list in order; empty for anyone else."""
    country = permissions.head_country(user)
    if country is None:
        return Registration.objects.none()
    return Registration.objects.filter(meeting=meeting, country=country).order_by(
        "status", "position", "created_at", "pk"
    )


def registration_of_own_country(*, user, meeting, registration_id):
    """One registration of the user's own delegation, or None (another country's is None)."""
    return delegation_of(user=user, meeting=meeting).filter(pk=registration_id).first()


def delegations_overview(*, user, meeting):
    """For the organisers: per country (and agency) the seats taken and the waiting list,
    and every registration with its notes. None for everyone else."""
    if not permissions.can_see_delegations(user):
        return None
    registrations = list(
        Registration.objects.filter(meeting=meeting)
        .select_related("country", "organisation")
        .order_by("country__name", "organisation__name", "status", "position", "pk")
    )
    rows = {}
    for registration in registrations:
        delegation = registration.country or registration.organisation
        row = rows.setdefault(
            delegation.pk if registration.country_id else f"o{delegation.pk}",
            {"name": str(delegation), "confirmed": 0, "waiting": 0},
        )
        row["confirmed" if registration.status == Registration.Status.CONFIRMED else "waiting"] += 1
    return {"rows": list(rows.values()), "registrations": registrations}


def delegation_context(*, user, meeting, form=None, swap_form=None, swap_id=None, now=None):
    """What the meeting page shows about delegations to this user."""
    from meetings.forms import DelegateForm, SwapForm

    now = now or timezone.now()
    context = {
        "registration_open": (
            meeting.status not in (MeetingPage.Status.CANCELLED, MeetingPage.Status.HELD)
            and (meeting.registration_deadline is None or now <= meeting.registration_deadline)
        ),
        "delegations": delegations_overview(user=user, meeting=meeting),
        "own_delegation": None,
    }
    if permissions.head_country(user) is not None:
        context["own_delegation"] = list(delegation_of(user=user, meeting=meeting))
        context["delegate_form"] = form or DelegateForm()
        context["swap_form"] = swap_form
        context["swap_id"] = swap_id
        context["empty_swap_form"] = SwapForm()
    return context


# --- Activity report ------------------------------------------------------------------------


def activity_reports_visible_to(user):
    """Reports the user may read: every report for the Presidency and administrators,
    approved ones for Heads of SPOC, none for anyone else. Newest period first."""
    from meetings.models import ActivityReport

    qs = ActivityReport.objects.select_related(
        "presidency__country", "created_by", "approved_by"
    ).order_by("-period_start", "-pk")
    if permissions.can_edit_activity_reports(user):
        return qs
    if permissions.can_see_activity_reports(user):
        return qs.filter(status=ActivityReport.Status.APPROVED)
    return qs.none()


def activity_report_visible_to(user, report_id):
    return activity_reports_visible_to(user).filter(pk=report_id).first()


def activity_report_sections(report):
    return list(report.sections.select_related("updated_by").order_by("position", "pk"))
