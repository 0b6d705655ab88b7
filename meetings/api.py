"""Meetings in the JSON API (/api/v1/meetings), added to portal.api's NinjaAPI. Same access
as the pages: published meetings, for members of the network."""

import datetime

from django.http import Http404
from django.urls import reverse
from ninja import Path, Query, Router, Schema

from meetings import permissions, selectors
from meetings.calendar import description_text
from portal.api import MAX_ID

router = Router(tags=["meetings"])


class ErrorOut(Schema):
    detail: str


class PresidencyRefOut(Schema):
    country_code: str
    country: str
    starts_on: datetime.date
    ends_on: datetime.date


class MeetingOut(Schema):
    id: int
    title: str
    start: datetime.datetime
    end: datetime.datetime
    time_zone: str
    all_day: bool
    venue: str
    status: str
    presidency: PresidencyRefOut | None
    url: str
    ics_url: str


class RefOut(Schema):
    """A country (ISO code) or an agency (slug)."""

    kind: str
    code: str
    name: str


class DocumentRefOut(Schema):
    id: int
    title: str
    url: str


class AgendaItemOut(Schema):
    position: int
    title: str
    description: str
    kind: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    presenter: RefOut | None
    agencies: list[RefOut]
    documents: list[DocumentRefOut]
    proposal_id: int | None


class CarriedActionOut(Schema):
    id: int
    title: str
    owner: RefOut
    due_date: datetime.date | None
    status: str
    meeting_id: int
    meeting_title: str


class DatePollCountsOut(Schema):
    yes: int
    if_need_be: int
    no: int


class DatePollOptionOut(Schema):
    id: int
    start: datetime.datetime
    end: datetime.datetime
    counts: DatePollCountsOut
    chosen: bool


class DatePollOut(Schema):
    status: str
    closes_at: datetime.datetime | None
    options: list[DatePollOptionOut]
    chosen_option_id: int | None


class MeetingDetailOut(MeetingOut):
    description: str
    online_url: str | None
    ical_uid: str
    ical_sequence: int
    agenda: list[AgendaItemOut]
    actions_carried: list[CarriedActionOut]
    proposals_count: int
    date_poll: DatePollOut | None


def _meeting(request, meeting):
    term = meeting.presidency
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "start": meeting.local_start,
        "end": meeting.local_end,
        "time_zone": meeting.time_zone,
        "all_day": meeting.all_day,
        "venue": meeting.venue,
        "status": meeting.status,
        "presidency": {
            "country_code": term.country.code,
            "country": term.country.name,
            "starts_on": term.starts_on,
            "ends_on": term.ends_on,
        }
        if term
        else None,
        "url": selectors.meeting_absolute_url(meeting, request=request),
        "ics_url": request.build_absolute_uri(reverse("meetings:meeting_ics", args=[meeting.pk])),
    }


@router.get(
    "",
    response={200: list[MeetingOut], 401: ErrorOut, 422: ErrorOut},
    summary="The published meetings, earliest first, each with its .ics address",
)
def meeting_list(request, year: int | None = Query(None, ge=1900, le=2999)):
    # Bounded: Django turns the year into a local-time range, which overflows near 1 and 9999.
    meetings = selectors.meetings_visible_to(request.user)
    if year is not None:
        meetings = meetings.filter(start__year=year)
    return [_meeting(request, meeting) for meeting in meetings]


@router.get(
    "/{meeting_id}",
    response={200: MeetingDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary=(
        "One meeting: details, agenda, open action items carried, proposals count and the "
        "date poll (answers counted per option) when there is one"
    ),
)
def meeting_detail(request, meeting_id: int = Path(..., ge=1, le=MAX_ID)):
    meeting = selectors.meeting_visible_to(request.user, meeting_id)
    if meeting is None:
        raise Http404
    data = _meeting(request, meeting)
    data.update(
        description=description_text(meeting.description),
        online_url=meeting.online_url
        if permissions.can_see_online_link(request.user, meeting)
        else None,
        ical_uid=meeting.ical_uid,
        ical_sequence=meeting.ical_sequence,
        date_poll=_date_poll(request, meeting),
        **_agenda_detail(request, meeting),
    )
    return data


def _date_poll(request, meeting):
    summary = selectors.date_poll_summary(user=request.user, meeting=meeting)
    if summary is None:
        return None
    poll, tz = summary["poll"], meeting.tzinfo
    return {
        "status": poll.status,
        "closes_at": poll.closes_at.astimezone(tz) if poll.closes_at else None,
        "options": [
            {
                "id": row["option"].pk,
                "start": row["option"].start.astimezone(tz),
                "end": row["option"].end.astimezone(tz),
                "counts": row["counts"],
                "chosen": row["option"].pk == poll.chosen_option_id,
            }
            for row in summary["options"]
        ],
        "chosen_option_id": poll.chosen_option_id,
    }


# --- Agenda in the detail ------------------------------------------------------------------


def _ref(country=None, organisation=None):
    if country is not None:
        return {"kind": "country", "code": country.code, "name": country.name}
    if organisation is not None:
        return {"kind": "agency", "code": organisation.slug, "name": organisation.name}
    return None


def _agenda_detail(request, meeting):
    tz = meeting.tzinfo
    agenda = [
        {
            "position": item.position,
            "title": item.title,
            "description": item.description,
            "kind": item.kind,
            "starts_at": item.starts_at.astimezone(tz) if item.starts_at else None,
            "ends_at": item.ends_at.astimezone(tz) if item.ends_at else None,
            "presenter": _ref(item.presenter_country, item.presenter_organisation),
            "agencies": [_ref(organisation=agency) for agency in item.agencies.all()],
            "documents": [
                {
                    "id": document.pk,
                    "title": document.title,
                    "url": request.build_absolute_uri(document.url),
                }
                for document in item.documents.all()
            ],
            "proposal_id": item.proposal_id,
        }
        for item in selectors.agenda_of(user=request.user, meeting=meeting)
    ]
    carried = [
        {
            "id": action.pk,
            "title": action.title,
            "owner": _ref(action.owner_country, action.owner_organisation),
            "due_date": action.due_date,
            "status": action.status,
            "meeting_id": action.meeting_id,
            "meeting_title": action.meeting.title,
        }
        for action in selectors.actions_carried(user=request.user, meeting=meeting)
    ]
    return {
        "agenda": agenda,
        "actions_carried": carried,
        "proposals_count": selectors.proposals_of(user=request.user, meeting=meeting).count(),
    }
