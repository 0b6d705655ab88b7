"""Calendar files of training sessions, built with `icalendar` through the portal's one
calendar module, meetings.calendar (its PRODID, VTIMEZONE handling and iTIP addressing),
never by pasting strings.

A session is one VEVENT: its first day from the daily start to the daily end, repeated
daily (RRULE FREQ=DAILY;COUNT=<days>) for a session of several days, in the venue's time
zone (TZID with a matching VTIMEZONE). UID and SEQUENCE are the stored ones, the same in
downloads, feeds and emails. The online link goes only where the caller says so (confirmed
participants, the organiser)."""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Event

from meetings.calendar import CONTENT_TYPE, PRODID, _calendar, _mailto

__all__ = ["CONTENT_TYPE", "PRODID", "feed_calendar", "itip", "session_calendar"]


def session_url(session):
    path = reverse("training:session_detail", args=[session.pk])
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def session_summary(session):
    course = session.course
    if course.cepol_code:
        return f"{course.title} (CEPOL {course.cepol_code})"
    return course.title


def session_event(session, *, include_online_link=False, stamp=None, status=None):
    stamp = (stamp or timezone.now()).astimezone(datetime.UTC)
    course = session.course
    event = Event()
    event.add("uid", session.ical_uid)
    event.add("dtstamp", stamp)
    event.add("sequence", session.ical_sequence)
    event.add("summary", session_summary(session))
    tz = session.tzinfo
    event.add("dtstart", datetime.datetime.combine(session.first_day, session.daily_start, tz))
    event.add("dtend", datetime.datetime.combine(session.first_day, session.daily_end, tz))
    days = len(session.days)
    if days > 1:
        event.add("rrule", {"freq": "daily", "count": days})
    status = status or ("CANCELLED" if session.is_cancelled else "CONFIRMED")
    event.add("status", status)
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    event.add("location", session.location_label)
    parts = [f"Organised by {course.organiser_label}. Level: {course.get_level_display()}."]
    if course.description:
        parts.append(course.description)
    if include_online_link and session.online_url:
        parts.append(f"Online link: {session.online_url}")
    url = session_url(session)
    parts.append(f"Details: {url}")
    event.add("url", url)
    event.add("description", "\n\n".join(parts))
    event.add("categories", [course.topic.name])
    event.add("last-modified", session.updated_at.astimezone(datetime.UTC))
    event.add("created", session.created_at.astimezone(datetime.UTC))
    return event


def session_calendar(session, *, include_online_link=False, stamp=None):
    """One session, for download (.ics)."""
    event = session_event(session, include_online_link=include_online_link, stamp=stamp)
    return _calendar([event], method="PUBLISH").to_ical()


def feed_calendar(sessions, *, name, include_online_link=None, stamp=None):
    """Many sessions (the annual plan, a subscription feed). `include_online_link(session)`
    says for which ones the link may be shown."""
    stamp = stamp or timezone.now()
    events = [
        session_event(
            session,
            include_online_link=bool(include_online_link and include_online_link(session)),
            stamp=stamp,
        )
        for session in sessions
    ]
    return _calendar(events, method="PUBLISH", name=name).to_ical()


def itip(session, *, method, organizer, attendee, stamp=None):
    """METHOD:REQUEST inviting a confirmed participant (with the online link), or
    METHOD:CANCEL taking them off (same UID, STATUS:CANCELLED). `organizer` and `attendee`
    are (name, email) pairs."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(method)
    cancel = method == "CANCEL"
    event = session_event(
        session,
        include_online_link=not cancel,
        stamp=stamp,
        status="CANCELLED" if cancel else None,
    )
    organizer_name, organizer_email = organizer
    event.add("organizer", _mailto(organizer_email, organizer_name))
    attendee_name, attendee_email = attendee
    event.add(
        "attendee",
        _mailto(
            attendee_email,
            attendee_name,
            cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT",
            partstat="ACCEPTED" if not cancel else "DECLINED",
            rsvp="FALSE",
        ),
    )
    return _calendar([event], method=method).to_ical()
