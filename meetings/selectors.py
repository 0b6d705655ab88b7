"""Reads on meetings, already scoped to what the asking user may see: published meetings
only (drafts never), for active members of the network only."""

from __future__ import annotations

import datetime
import difflib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from meetings import agenda_forms, permissions
from meetings.forms import DatePollOpenForm, DelegateForm, FeedbackForm, SwapForm
from meetings.models import (
    ActionItem,
    ActivityReport,
    AgencyInvitation,
    AgendaItem,
    AgendaProposal,
    DatePoll,
    DatePollAnswer,
    Feedback,
    MeetingPage,
    MeetingYearPage,
    Minutes,
    MinutesVersion,
    ProposalSupport,
    Registration,
)
from portal.models import AccessToken, Country, Organisation, PresidencyTerm
from portal.tokens import access_token_for
from portal.visibility import exclude_hidden

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from meetings.models import ActivityReportSection
    from portal.models import User


def meetings_visible_to(user: User | AnonymousUser) -> QuerySet[MeetingPage]:
    """Published meetings the user may see, earliest first."""
    if not permissions.can_see_meetings(user):
        return MeetingPage.objects.none()
    qs = MeetingPage.objects.live().select_related("presidency__country").order_by("start", "pk")
    return exclude_hidden(qs, user)


def meeting_visible_to(user: User | AnonymousUser, meeting_id: int) -> MeetingPage | None:
    """One published meeting by id, or None when it does not exist or may not be seen."""
    return meetings_visible_to(user).filter(pk=meeting_id).first()


def meetings_upcoming(
    *, user: User | AnonymousUser, now: datetime.datetime | None = None, limit: int | None = None
) -> QuerySet[MeetingPage]:
    """Meetings not yet over, soonest first (cancelled ones included, marked as such)."""
    now = now or timezone.now()
    qs = meetings_visible_to(user).filter(end__gte=now)
    return qs[:limit] if limit else qs


ANY_UPCOMING_KEY = "meetings:any-upcoming"


def any_meeting_upcoming(*, now: datetime.datetime | None = None) -> bool:
    """Whether any published meeting is still to come. Cached (the dashboard asks on every
    visit): a False answer is only made wrong by a publication, which forgets it (see
    meetings.services.meeting_calendar_sync); a stale True only costs the full query."""
    value = cache.get(ANY_UPCOMING_KEY)
    if value is None:
        now = now or timezone.now()
        value = MeetingPage.objects.live().filter(end__gte=now).exists()
        cache.set(ANY_UPCOMING_KEY, value, 300)
    return value


def forget_upcoming() -> None:
    cache.delete(ANY_UPCOMING_KEY)


def meetings_of_year(
    *, user: User | AnonymousUser, year_page: MeetingYearPage
) -> QuerySet[MeetingPage]:
    return meetings_visible_to(user).child_of(year_page)


def meeting_years() -> QuerySet[MeetingYearPage]:
    """The archive's years, newest first."""
    return MeetingYearPage.objects.live().order_by("-year")


def meetings_for_feed(
    *, user: User | AnonymousUser, now: datetime.datetime | None = None
) -> QuerySet[MeetingPage]:
    """What a calendar subscription shows: the user's visible meetings from two years back."""
    now = now or timezone.now()
    return meetings_visible_to(user).filter(end__gte=now - datetime.timedelta(days=731))


def meeting_absolute_url(meeting: MeetingPage, *, request: HttpRequest | None = None) -> str:
    """The meeting page's address on the portal (BASE_URL, whatever host a calendar client
    or a proxy used; the Site's hostname is not the portal's address)."""
    parts = meeting.get_url_parts(request=request)
    path = parts[2] if parts else "/"
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def calendar_feed_urls(
    *, request: HttpRequest, user: User | AnonymousUser
) -> dict[str, str] | None:
    """The user's personal subscription addresses (https and webcal), or None."""
    if not permissions.can_see_meetings(user):
        return None
    token = access_token_for(user=user, purpose=AccessToken.Purpose.CALENDAR)
    https = request.build_absolute_uri(reverse("meetings:calendar_feed", args=[token]))
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


def presidency_terms_without_meeting(*, today: datetime.date | None = None) -> list[PresidencyTerm]:
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


def delegation_of(*, user: User | AnonymousUser, meeting: MeetingPage) -> QuerySet[Registration]:
    """The user's own country's registrations for the meeting (a Head of SPOC's), seats
    first, then the waiting list in order; empty for anyone else."""
    scope = delegation_scope(user=user, meeting=meeting)
    if scope is None:
        return Registration.objects.none()
    return Registration.objects.filter(meeting=meeting, **scope).order_by(
        "status", "position", "created_at", "pk"
    )


def registration_of_own_country(
    *, user: User | AnonymousUser, meeting: MeetingPage, registration_id: int
) -> Registration | None:
    """One registration of the user's own delegation, or None (another country's is None)."""
    return delegation_of(user=user, meeting=meeting).filter(pk=registration_id).first()


def delegations_overview(
    *, user: User | AnonymousUser, meeting: MeetingPage
) -> dict[str, Any] | None:
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


def delegation_context(
    *,
    user: User | AnonymousUser,
    meeting: MeetingPage,
    form: DelegateForm | None = None,
    swap_form: SwapForm | None = None,
    swap_id: int | None = None,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """What the meeting page shows about delegations to this user."""
    now = now or timezone.now()
    context = {
        "registration_open": meeting.registration_closed_reason(now) is None,
        "delegations": delegations_overview(user=user, meeting=meeting),
        "own_delegation": None,
    }
    if delegation_scope(user=user, meeting=meeting) is not None:
        context["own_delegation"] = list(delegation_of(user=user, meeting=meeting))
        context["delegate_form"] = form or DelegateForm()
        context["swap_form"] = swap_form
        context["swap_id"] = swap_id
        context["empty_swap_form"] = SwapForm()
    return context


# --- Agenda, proposals, minutes and action items -------------------------------------------
#
# Everyone logged in sees a meeting's proposals (with support counts), its agenda, the open
# action items carried from earlier meetings and the approved minutes; the Presidency also
# sees the minutes' drafts and history. Each list is one query (plus prefetches), whatever
# its length.

OPEN_ACTION_STATUSES = (ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS)


def delegation_scope(*, user: User | AnonymousUser, meeting: MeetingPage) -> dict[str, Any] | None:
    """Whose delegation the user manages for this meeting: {"country": ...} for a Head of
    SPOC, {"organisation": ...} for an invited agency's representative, else None."""
    country = permissions.head_country(user)
    if country is not None:
        return {"country": country, "organisation": None}
    agency = permissions.agency_of(user)
    if (
        agency is not None
        and AgencyInvitation.objects.filter(meeting=meeting, organisation=agency).exists()
    ):
        return {"country": None, "organisation": agency}
    return None


def proposals_of(*, user: User | AnonymousUser, meeting: MeetingPage) -> QuerySet[AgendaProposal]:
    """The meeting's proposals with their support count, oldest first (none for strangers)."""
    if not permissions.can_see_meetings(user):
        return AgendaProposal.objects.none()
    return (
        AgendaProposal.objects.filter(meeting=meeting)
        .select_related("country", "organisation", "agenda_item")
        .prefetch_related(
            Prefetch("agencies", queryset=Organisation.objects.order_by("name")),
            Prefetch("supports", queryset=_supports()),
        )
        .annotate(support_count=Count("supports", distinct=True))
        .order_by("created_at", "pk")
    )


def _supports() -> QuerySet[ProposalSupport]:
    return ProposalSupport.objects.select_related("country").order_by("country__name")


def agenda_of(*, user: User | AnonymousUser, meeting: MeetingPage) -> QuerySet[AgendaItem]:
    """The meeting's agenda items in order, with presenter, agencies and documents."""
    if not permissions.can_see_meetings(user):
        return AgendaItem.objects.none()
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("presenter_country", "presenter_organisation", "proposal")
        .prefetch_related(
            Prefetch("agencies", queryset=Organisation.objects.order_by("name")),
            "documents",
        )
        .order_by("position")
    )


def actions_carried(*, user: User | AnonymousUser, meeting: MeetingPage) -> QuerySet[ActionItem]:
    """Open action items of earlier meetings: the agenda's "Follow-up of action items",
    until they are done or dropped (computed, never copied)."""
    if not permissions.can_see_meetings(user):
        return ActionItem.objects.none()
    return actions_visible_to(
        user,
        ActionItem.objects.filter(
            meeting__start__lt=meeting.start,
            meeting__live=True,
            status__in=OPEN_ACTION_STATUSES,
        )
        .select_related("meeting", "owner_country", "owner_organisation")
        .order_by("due_date", "pk"),
    )


def actions_visible_to(
    user: User | AnonymousUser, queryset: QuerySet[ActionItem] | None = None
) -> QuerySet[ActionItem]:
    """Action items of meetings the user may see (a meeting under a privacy setting keeps its
    actions to those who may open it)."""
    if not permissions.can_see_meetings(user):
        return ActionItem.objects.none()
    queryset = ActionItem.objects.all() if queryset is None else queryset
    return exclude_hidden(queryset.filter(meeting__live=True), user, path_field="meeting__path")


def actions_of_meeting(*, user: User | AnonymousUser, meeting: MeetingPage) -> QuerySet[ActionItem]:
    if not permissions.can_see_meetings(user):
        return ActionItem.objects.none()
    return (
        ActionItem.objects.filter(meeting=meeting)
        .select_related("owner_country", "owner_organisation", "agenda_item")
        .order_by("due_date", "pk")
    )


def agency_invitations_of(*, meeting: MeetingPage) -> QuerySet[AgencyInvitation]:
    return AgencyInvitation.objects.filter(meeting=meeting).select_related("organisation")


def minutes_of(*, meeting: MeetingPage) -> Minutes | None:
    return (
        Minutes.objects.filter(meeting=meeting)
        .select_related("approved_version__created_by", "approved_by")
        .first()
    )


def minutes_versions(
    *, user: User | AnonymousUser, meeting: MeetingPage
) -> QuerySet[MinutesVersion]:
    """Every version, newest first: the Presidency's alone."""
    if not permissions.is_presidency(user):
        return MinutesVersion.objects.none()
    return (
        MinutesVersion.objects.filter(minutes__meeting=meeting)
        .select_related("created_by")
        .order_by("-number")
    )


def minutes_diff(old: MinutesVersion | None, new: MinutesVersion | None) -> list[tuple[str, str]]:
    """Unified line diff between two versions' texts, as (kind, line) pairs for display
    (escaped by the template)."""

    def lines(version):
        if version is None:
            return []
        return [
            "## Minutes",
            *version.minutes_text.splitlines(),
            "## Conclusions",
            *version.conclusions.splitlines(),
        ]

    rows = []
    for line in difflib.unified_diff(
        lines(old),
        lines(new),
        fromfile=f"version {old.number if old else 0}",
        tofile=f"version {new.number}",
        lineterm="",
    ):
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "added"
        elif line.startswith("-"):
            kind = "removed"
        else:
            kind = "same"
        rows.append((kind, line))
    return rows


def actions_network(
    *,
    user: User | AnonymousUser,
    status: str | None = None,
    owner: str | None = None,
    overdue: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[ActionItem]:
    """Action items across the network for the "Action items" page. `status` is a status
    or "open" (open and in progress, the default); `owner` is "c<id>" or "o<id>"."""
    today = today or timezone.localdate()
    qs = actions_visible_to(user).select_related("meeting", "owner_country", "owner_organisation")
    if status in (None, "", "open_all"):
        qs = qs.filter(status__in=OPEN_ACTION_STATUSES)
    elif status != "all":
        qs = qs.filter(status=status)
    if owner:
        kind, pk = owner[:1], owner[1:]
        if kind == "c" and pk.isdigit():
            qs = qs.filter(owner_country_id=int(pk))
        elif kind == "o" and pk.isdigit():
            qs = qs.filter(owner_organisation_id=int(pk))
    if overdue:
        qs = qs.filter(due_date__lt=today).filter(Q(status__in=OPEN_ACTION_STATUSES))
    return qs.order_by("due_date", "pk")


def agenda_context(
    *,
    user: User | AnonymousUser,
    meeting: MeetingPage,
    forms: dict[str, Any] | None = None,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """What the meeting page shows about proposals, agenda, minutes and actions."""
    forms = forms or {}
    now = now or timezone.now()
    # Roles first (cached on the user): only Presidency roles pay for the permission check.
    is_presidency = permissions.can_see_meetings(user) and (
        user.has_role(*permissions.PRESIDENCY_ROLES) and permissions.is_presidency(user)
    )
    country = permissions.head_country(user)
    agency = permissions.agency_of(user)
    closed = (MeetingPage.Status.HELD, MeetingPage.Status.CANCELLED)
    coming = meeting.status not in closed and meeting.start > now
    proposals = list(proposals_of(user=user, meeting=meeting))
    for proposal in proposals:
        supporters = {support.country_id for support in proposal.supports.all()}
        proposal.can_support = (
            coming
            and country is not None
            and proposal.status == AgendaProposal.Status.PROPOSED
            and proposal.country_id != country.pk
            and country.pk not in supporters
        )
        proposal.can_withdraw = proposal.status == AgendaProposal.Status.PROPOSED and (
            (country is not None and proposal.country_id == country.pk)
            or (agency is not None and proposal.organisation_id == agency.pk)
        )
    items = list(agenda_of(user=user, meeting=meeting))
    # Minutes exist only once the meeting has started (or is held): no query before.
    started = meeting.status == MeetingPage.Status.HELD or now >= meeting.start
    minutes = minutes_of(meeting=meeting) if started else None
    versions = (
        list(minutes_versions(user=user, meeting=meeting)) if is_presidency and minutes else []
    )
    latest = versions[0] if versions else None
    can_write_minutes = (
        is_presidency
        and not (minutes and minutes.is_approved)
        and meeting.status != MeetingPage.Status.CANCELLED
        and started
    )
    # This meeting's actions and the open ones carried from earlier meetings: one query.
    actions, carried = [], []
    if permissions.can_see_meetings(user):
        for action in actions_visible_to(
            user,
            ActionItem.objects.filter(
                Q(meeting=meeting)
                | Q(meeting__start__lt=meeting.start, status__in=OPEN_ACTION_STATUSES)
            )
            .select_related("meeting", "owner_country", "owner_organisation")
            .order_by("due_date", "pk"),
        ):
            if action.meeting_id == meeting.pk:
                action.can_update = is_presidency or permissions.can_update_action(user, action)
                actions.append(action)
            else:
                carried.append(action)
    context = {
        "agenda_items": items,
        "proposals": proposals,
        "can_propose": coming and (country is not None or agency is not None),
        "agenda_is_presidency": is_presidency,
        "agency_invitations": list(agency_invitations_of(meeting=meeting)),
        "actions_carried": carried,
        "meeting_actions": actions,
        "minutes": minutes,
        "minutes_versions": versions,
        "minutes_latest": latest,
        "can_write_minutes": can_write_minutes,
        "can_approve_minutes": bool(
            latest and minutes and not minutes.is_approved and permissions.can_approve_minutes(user)
        ),
        # four eyes: the author of the latest version is told another approver approves it
        "minutes_latest_is_own": bool(latest and latest.created_by_id == user.pk),
        "action_status_choices": ActionItem.Status.choices,
    }
    # A refused proposal comes back with its errors even when proposing is now closed.
    if context["can_propose"] or forms.get("proposal_form"):
        context["proposal_form"] = forms.get("proposal_form") or agenda_forms.ProposalForm()
    if is_presidency:
        context["action_form"] = forms.get("action_form") or agenda_forms.ActionItemForm(
            meeting=meeting, items=items
        )
    if can_write_minutes or forms.get("minutes_form"):
        context["minutes_form"] = forms.get("minutes_form") or agenda_forms.MinutesForm(
            initial={
                "minutes_text": latest.minutes_text if latest else "",
                "conclusions": latest.conclusions if latest else "",
                "base_version": latest.number if latest else 0,
            }
        )
    return context


# --- Date polls, attendance, feedback ------------------------------------------------------


def _span_label(meeting: MeetingPage, start: datetime.datetime, end: datetime.datetime) -> str:
    """A candidate's start and end as wall-clock times of the meeting's time zone."""
    start = timezone.localtime(start, meeting.tzinfo)
    end = timezone.localtime(end, meeting.tzinfo)
    if start.date() == end.date():
        return f"{start:%a %-d %B %Y, %H:%M} – {end:%H:%M}"
    return f"{start:%a %-d %B %Y, %H:%M} – {end:%a %-d %B %Y, %H:%M}"


def date_poll_is_open(poll: DatePoll, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return poll.status == DatePoll.Status.OPEN and (poll.closes_at is None or now < poll.closes_at)


def date_poll_overview(
    *, user: User | AnonymousUser, meeting: MeetingPage
) -> dict[str, Any] | None:
    """The meeting's date poll as everyone logged in sees it: the candidates (with their
    counts), the answers per country, and, for Heads of SPOC and the organisers, the
    countries that have not answered. Four queries, whatever the number of answers."""
    poll = DatePoll.objects.filter(meeting=meeting).first()
    if poll is None:
        return None
    options = list(poll.options.all())
    answers = list(
        DatePollAnswer.objects.filter(option__poll=poll).values_list(
            "option_id", "country_id", "answer"
        )
    )
    countries = {country.pk: country for country in Country.objects.order_by("name")}
    labels = dict(DatePollAnswer.Answer.choices)
    by_country = {}
    for option_id, country_id, answer in answers:
        by_country.setdefault(country_id, {})[option_id] = answer
    for option in options:
        option.label = _span_label(meeting, option.start, option.end)
        option.count_yes = sum(1 for a in answers if a[0] == option.pk and a[2] == "yes")
        option.count_if_need_be = sum(
            1 for a in answers if a[0] == option.pk and a[2] == "if_need_be"
        )
        option.count_no = sum(1 for a in answers if a[0] == option.pk and a[2] == "no")
        option.is_chosen = option.pk == poll.chosen_option_id
    rows = [
        {
            "country": country,
            "answers": [
                {"value": given.get(o.pk, ""), "label": labels.get(given.get(o.pk), "–")}
                for o in options
            ],
        }
        for country_id, country in countries.items()
        if (given := by_country.get(country_id))
    ]
    own_country = permissions.head_country(user)
    sees_missing = own_country is not None or permissions.is_organiser(user)
    chosen = next((o for o in options if o.is_chosen), None)
    own_answers = by_country.get(own_country.pk, {}) if own_country else {}
    for option in options:
        option.own_answer = own_answers.get(option.pk, "")
    return {
        "poll": poll,
        "options": options,
        "rows": rows,
        "answered_count": len(rows),
        "country_count": len(countries),
        "missing": [c for pk, c in countries.items() if pk not in by_country]
        if sees_missing
        else None,
        "is_open": date_poll_is_open(poll),
        "chosen": chosen,
        "own_country": own_country,
        "own_answers": own_answers,
        "answer_choices": DatePollAnswer.Answer.choices,
    }


def date_poll_summary(*, user: User | AnonymousUser, meeting: MeetingPage) -> dict[str, Any] | None:
    """The meeting's date poll for the API: status, options in order with the number of
    answers of each kind, and the chosen option; None when there is no poll (or for
    strangers). Everyone in the network sees the answers, so the counts are for everyone.
    Two queries, however many options."""
    if not permissions.can_see_meetings(user):
        return None
    poll = DatePoll.objects.filter(meeting=meeting).first()
    if poll is None:
        return None
    kinds = DatePollAnswer.Answer.values
    options = poll.options.annotate(
        **{f"n_{kind}": Count("answers", filter=Q(answers__answer=kind)) for kind in kinds}
    ).order_by("start", "pk")
    return {
        "poll": poll,
        "options": [
            {"option": option, "counts": {kind: getattr(option, f"n_{kind}") for kind in kinds}}
            for option in options
        ],
    }


def attendance_overview(
    *, user: User | AnonymousUser, meeting: MeetingPage, now: datetime.datetime | None = None
) -> dict[str, Any] | None:
    """After the meeting has started: the confirmed delegates with what was recorded (for
    the organisers), and per country or agency the counts (for everyone, once recorded)."""
    now = now or timezone.now()
    if now < meeting.start:
        return None
    registrations = list(
        Registration.objects.filter(meeting=meeting, status=Registration.Status.CONFIRMED)
        .select_related("country", "organisation", "attendance_record")
        .order_by("country__name", "organisation__name", "name", "pk")
    )
    summary = {}
    recorded = 0
    for registration in registrations:
        record = getattr(registration, "attendance_record", None)
        registration.recorded = (
            None if record is None else (record.mode if record.present else "absent")
        )
        if record is None:
            continue
        recorded += 1
        delegation = registration.country or registration.organisation
        key = ("c", delegation.pk) if registration.country_id else ("o", delegation.pk)
        row = summary.setdefault(
            key,
            {
                "name": str(delegation),
                "is_agency": not registration.country_id,
                "in_person": 0,
                "remote": 0,
                "absent": 0,
            },
        )
        row[registration.recorded] += 1
    rows = sorted(summary.values(), key=lambda r: (r["is_agency"], r["name"]))
    return {
        "registrations": registrations if permissions.is_organiser(user) else None,
        "summary": rows if recorded and now >= meeting.end else None,
        "totals": {key: sum(r[key] for r in rows) for key in ("in_person", "remote", "absent")},
        "recorded": recorded,
        "choices": [("in_person", "In person"), ("remote", "Remote"), ("absent", "Absent")],
    }


FEEDBACK_EDIT_DAYS = 30


def feedback_window(meeting: MeetingPage, now: datetime.datetime | None = None) -> tuple[bool, str]:
    """(may_give_now, reason): feedback opens when the meeting ends and may be edited for
    FEEDBACK_EDIT_DAYS days."""
    now = now or timezone.now()
    if meeting.is_cancelled:
        return False, "The meeting was cancelled."
    if now < meeting.end:
        return False, "Feedback opens when the meeting has ended."
    if now > meeting.end + datetime.timedelta(days=FEEDBACK_EDIT_DAYS):
        return False, "Feedback closed 30 days after the meeting."
    return True, ""


def feedback_overview(
    *, user: User | AnonymousUser, meeting: MeetingPage, now: datetime.datetime | None = None
) -> dict[str, Any] | None:
    """The user's own feedback form (participants and heads, from the end of the meeting
    for 30 days) and, for the organisers, the aggregate: average, count, comments."""
    now = now or timezone.now()
    if now < meeting.end or meeting.is_cancelled:
        return None
    allowed, reason = feedback_window(meeting, now)
    may_give = permissions.can_give_feedback(user, meeting)
    context = {
        "may_give": may_give and allowed,
        "closed_reason": reason if may_give and not allowed else "",
        "own": Feedback.objects.filter(meeting=meeting, user=user).first() if may_give else None,
        "aggregate": None,
    }
    if permissions.is_organiser(user):
        feedback = Feedback.objects.filter(meeting=meeting)
        context["aggregate"] = {
            **feedback.aggregate(average=Avg("rating"), count=Count("pk")),
            "comments": list(
                feedback.exclude(useful_topics="", suggestions="")
                .order_by("created_at", "pk")
                .values("rating", "useful_topics", "suggestions")
            ),
        }
    return context


def poll_context(
    *,
    user: User | AnonymousUser,
    meeting: MeetingPage,
    forms: dict[str, Any] | None = None,
    now: datetime.datetime | None = None,
) -> dict[str, Any]:
    """What the meeting page shows of the date poll, the attendance record and feedback."""
    forms = forms or {}
    now = now or timezone.now()
    overview = date_poll_overview(user=user, meeting=meeting)
    is_presidency = permissions.is_presidency(user)
    context = {
        "date_poll": overview,
        "poll_errors": forms.get("poll_errors") or [],
        "poll_can_manage": is_presidency,
        "date_poll_open_form": None,
        "attendance": attendance_overview(user=user, meeting=meeting, now=now),
        "attendance_errors": forms.get("attendance_errors") or [],
        "can_record_attendance": is_presidency and now >= meeting.start,
        "feedback": feedback_overview(user=user, meeting=meeting, now=now),
        "feedback_form": None,
        "can_mark_held": is_presidency
        and now >= meeting.end
        and meeting.status not in (MeetingPage.Status.HELD, MeetingPage.Status.CANCELLED),
    }
    if (
        overview is None
        and is_presidency
        and now < meeting.start
        and meeting.status not in (MeetingPage.Status.HELD, MeetingPage.Status.CANCELLED)
    ):
        context["date_poll_open_form"] = forms.get("date_poll_form") or DatePollOpenForm(
            meeting=meeting
        )
    feedback = context["feedback"]
    if feedback and feedback["may_give"]:
        own = feedback["own"]
        context["feedback_form"] = forms.get("feedback_form") or FeedbackForm(
            initial={
                "rating": own.rating,
                "useful_topics": own.useful_topics,
                "suggestions": own.suggestions,
            }
            if own
            else None
        )
    return context


# --- Activity report ------------------------------------------------------------------------


def activity_reports_visible_to(user: User | AnonymousUser) -> QuerySet[ActivityReport]:
    """Reports the user may read: every report for the Presidency and administrators,
    approved ones for Heads of SPOC, none for anyone else. Newest period first."""
    qs = ActivityReport.objects.select_related(
        "presidency__country", "created_by", "approved_by"
    ).order_by("-period_start", "-pk")
    if permissions.can_edit_activity_reports(user):
        return qs
    if permissions.can_see_activity_reports(user):
        return qs.filter(status=ActivityReport.Status.APPROVED)
    return qs.none()


def activity_report_visible_to(user: User | AnonymousUser, report_id: int) -> ActivityReport | None:
    return activity_reports_visible_to(user).filter(pk=report_id).first()


def activity_report_sections(report: ActivityReport) -> list[ActivityReportSection]:
    return list(report.sections.select_related("updated_by").order_by("position", "pk"))


def activity_report_written_by(report: ActivityReport, user: User | AnonymousUser) -> bool:
    """Whether `user` created the report or edited any of its sections (four eyes)."""
    return report.created_by_id == user.pk or report.editors.filter(pk=user.pk).exists()
