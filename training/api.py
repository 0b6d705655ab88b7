"""Training in the JSON API (/api/v1/training), added to portal.api's NinjaAPI. Scoped like the
pages: every member reads the catalogue, the sessions and their seat figures (the same as the
session page's, training.summaries); nominations are the user's own, or, one at a time, those
the user may see on the pages (their country's as head, the sessions they organise); anyone
else gets 404. The online link is given to the organiser and the confirmed participant only."""

import datetime

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from portal.api import MAX_ID
from training import permissions, selectors, summaries
from training.models import Nomination

router = Router(tags=["training"])


class ErrorOut(Schema):
    detail: str


class TopicOut(Schema):
    slug: str
    name: str


class CountryRefOut(Schema):
    code: str
    name: str


class CourseOut(Schema):
    id: int
    title: str
    cepol_code: str
    topic: TopicOut
    level: str
    organiser: str
    organiser_country: CountryRefOut | None
    language: str
    second_approval: bool
    url: str


class CourseDetailOut(CourseOut):
    description: str
    prerequisites: str


class CourseRefOut(Schema):
    id: int
    title: str
    cepol_code: str


class SeatsOut(Schema):
    capacity: int
    held: int
    left: int
    waiting: int


class CountrySeatsOut(Schema):
    country: CountryRefOut
    quota: int | None
    left: int


class SessionOut(Schema):
    id: int
    course: CourseRefOut
    first_day: datetime.date
    last_day: datetime.date
    start: datetime.datetime
    end: datetime.datetime
    time_zone: str
    venue_kind: str
    venue: str
    status: str
    nomination_deadline: datetime.date
    quota_release_day: datetime.date
    seats: SeatsOut
    seats_left_per_country: list[CountrySeatsOut]
    url: str
    ics_url: str


class DocumentRefOut(Schema):
    id: int
    title: str
    url: str


class SessionDetailOut(SessionOut):
    # "HH:MM" in the session's time zone: JSON Schema's "time" format wants an offset, which a
    # wall-clock time in a named zone does not have.
    daily_start: str = Field(description="HH:MM, local time in the session's time zone")
    daily_end: str = Field(description="HH:MM, local time in the session's time zone")
    notes: str
    online_url: str | None
    ical_uid: str
    ical_sequence: int
    documents: list[DocumentRefOut]


class NominationOut(Schema):
    id: int
    session: CourseRefOut
    session_id: int
    first_day: datetime.date
    nominee: str
    country: CountryRefOut
    status: str
    status_label: str
    position: int | None
    url: str


class EventOut(Schema):
    at: datetime.datetime
    actor: str | None
    from_status: str
    to_status: str
    note: str
    reason: str


class NominationDetailOut(NominationOut):
    history: list[EventOut]


def _country(country):
    return {"code": country.code, "name": country.name} if country is not None else None


def _course(request, course):
    return {
        "id": course.pk,
        "title": course.title,
        "cepol_code": course.cepol_code,
        "topic": {"slug": course.topic.slug, "name": course.topic.name},
        "level": course.level,
        "organiser": course.organiser,
        "organiser_country": _country(course.organiser_country),
        "language": course.language,
        "second_approval": course.second_approval,
        "url": request.build_absolute_uri(reverse("training:course_detail", args=[course.pk])),
    }


def _course_ref(course):
    return {"id": course.pk, "title": course.title, "cepol_code": course.cepol_code}


def _session(request, session, seats):
    summary = seats.summary
    return {
        "id": session.pk,
        "course": _course_ref(session.course),
        "first_day": session.first_day,
        "last_day": session.last_day,
        "start": session.local_start,
        "end": session.local_end,
        "time_zone": session.time_zone,
        "venue_kind": session.venue_kind,
        "venue": session.venue,
        "status": session.status,
        "nomination_deadline": session.nomination_deadline,
        "quota_release_day": session.quota_release_day,
        "seats": {
            "capacity": summary.capacity,
            "held": summary.held,
            "left": summary.left,
            "waiting": summary.waiting,
        },
        "seats_left_per_country": [
            {"country": _country(row.country), "quota": row.quota, "left": row.left}
            for row in seats.countries
        ],
        "url": request.build_absolute_uri(reverse("training:session_detail", args=[session.pk])),
        "ics_url": request.build_absolute_uri(reverse("training:session_ics", args=[session.pk])),
    }


def _own_country(user):
    return user.country if permissions.can_ask_nomination(user) else None


# --- Courses --------------------------------------------------------------------------------


@router.get(
    "/courses",
    response={200: list[CourseOut], 401: ErrorOut, 422: ErrorOut},
    summary="The course catalogue, by title (filter by topic slug, organiser or CEPOL code)",
)
def course_list(
    request,
    # Patterns, not just lengths: a NUL character would reach PostgreSQL (an error, not 422).
    topic: str | None = Query(None, pattern=r"^[-a-zA-Z0-9_]{1,50}$"),
    organiser: str | None = Query(None, pattern="^(cepol|country|network)$"),
    cepol_code: str | None = Query(None, pattern=r"^[^\x00-\x1f]{1,30}$"),
):
    courses = selectors.courses_for(request.user)
    if topic:
        courses = courses.filter(topic__slug=topic)
    if organiser:
        courses = courses.filter(organiser=organiser)
    if cepol_code:
        courses = courses.filter(cepol_code=cepol_code)
    return [_course(request, course) for course in courses]


@router.get(
    "/courses/{course_id}",
    response={200: CourseDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One course",
)
def course_detail(request, course_id: int = Path(..., ge=1, le=MAX_ID)):
    course = selectors.course_for(request.user, course_id)
    if course is None:
        raise Http404
    data = _course(request, course)
    data.update(description=course.description, prerequisites=course.prerequisites)
    return data


# --- Sessions -------------------------------------------------------------------------------


@router.get(
    "/sessions",
    response={200: list[SessionOut], 401: ErrorOut, 422: ErrorOut},
    summary=(
        "The sessions, earliest first, with their .ics address and the seats left, overall and "
        "per country (the session page's figures); by default those not over yet"
    ),
)
def session_list(
    request,
    year: int | None = Query(None, ge=2000, le=2100),
    course: int | None = Query(None, ge=1, le=MAX_ID),
    past: bool = Query(False, description="Include the sessions that are over"),
):
    sessions = selectors.sessions_for(request.user)
    if year is not None:
        sessions = sessions.filter(first_day__year=year)
    elif not past:
        sessions = sessions.filter(last_day__gte=timezone.localdate())
    if course is not None:
        sessions = sessions.filter(course_id=course)
    sessions = list(summaries.with_quotas(sessions))
    seats = summaries.session_seats(sessions=sessions, country=_own_country(request.user))
    return [_session(request, session, seats[session.pk]) for session in sessions]


@router.get(
    "/sessions/{session_id}",
    response={200: SessionDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="One session: days, hours, venue, documents, seats per country, calendar identity",
)
def session_detail(request, session_id: int = Path(..., ge=1, le=MAX_ID)):
    user = request.user
    session = selectors.session_for(user, session_id)
    if session is None:
        raise Http404
    seats = summaries.session_seats(sessions=[session], country=_own_country(user))[session.pk]
    own = selectors.own_nomination(user=user, session=session)
    show_link = permissions.can_see_online_link(user, session) or (
        own is not None and own.status == Nomination.Status.CONFIRMED
    )
    data = _session(request, session, seats)
    data.update(
        daily_start=session.daily_start.strftime("%H:%M"),
        daily_end=session.daily_end.strftime("%H:%M"),
        notes=session.notes,
        online_url=(session.online_url or None) if show_link else None,
        ical_uid=session.ical_uid,
        ical_sequence=session.ical_sequence,
        documents=[
            {"id": doc.pk, "title": doc.title, "url": request.build_absolute_uri(doc.url)}
            for doc in session.documents.all()
        ],
    )
    return data


# --- Nominations ----------------------------------------------------------------------------


def _nomination(request, nomination):
    session = nomination.session
    return {
        "id": nomination.pk,
        "session": _course_ref(session.course),
        "session_id": session.pk,
        "first_day": session.first_day,
        "nominee": nomination.nominee.get_full_name() or nomination.nominee.email,
        "country": _country(nomination.country),
        "status": nomination.status,
        "status_label": nomination.get_status_display(),
        "position": nomination.position,
        "url": request.build_absolute_uri(
            reverse("training:nomination_detail", args=[nomination.pk])
        ),
    }


def _actor(event, sees_all):
    """Who acted, as on the nomination page: a move up from the waiting list may name whoever
    freed the seat (another country's head), so only the organiser sees that one; None for
    the portal itself."""
    moved_up = (event.from_status, event.to_status) == (
        Nomination.Status.WAITING,
        Nomination.Status.APPROVED,
    )
    if event.actor is None or (moved_up and not sees_all):
        return None
    return event.actor.get_full_name() or event.actor.email


@router.get(
    "/nominations",
    response={200: list[NominationOut], 401: ErrorOut, 422: ErrorOut},
    summary="The user's own nominations, latest first (active ones only, or all)",
)
def nomination_list(request, active: bool = Query(False, description="Only active ones")):
    nominations = selectors.nominations_visible_to(request.user).filter(nominee=request.user)
    if active:
        nominations = nominations.filter(status__in=Nomination.ACTIVE)
    nominations = nominations.order_by("-created_at", "-pk")
    return [_nomination(request, nomination) for nomination in nominations]


@router.get(
    "/nominations/{nomination_id}",
    response={200: NominationDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary=(
        "One nomination with its history, for those who see it on the pages: the nominee, "
        "their country's head and National Contact Point, the organiser"
    ),
)
def nomination_detail(request, nomination_id: int = Path(..., ge=1, le=MAX_ID)):
    nomination = selectors.nomination_for(request.user, nomination_id)
    if nomination is None:
        raise Http404
    data = _nomination(request, nomination)
    sees_all = permissions.sees_all_nominations(request.user, nomination.session)
    data["history"] = [
        {
            "at": event.at,
            "actor": _actor(event, sees_all),
            "from_status": event.from_status,
            "to_status": event.to_status,
            "note": event.note,
            "reason": event.reason,
        }
        for event in selectors.nomination_history(nomination)
    ]
    return data
