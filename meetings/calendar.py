"""Every calendar byte the portal writes comes from here, built with the `icalendar` package
(never by pasting strings): one meeting as a download, a subscription feed of many, and iTIP
messages (RFC 5546) for email: METHOD:REQUEST and METHOD:CANCEL.

Rules (each pinned by tests/meetings/test_calendar.py):
- every calendar has VERSION and PRODID;
- a meeting's UID is its stored `ical_uid`, the same in downloads, feeds and emails;
- every event has DTSTAMP and the stored SEQUENCE;
- timed events carry a TZID with a matching VTIMEZONE (built over a narrow window around the
  events); all-day events are VALUE=DATE with an exclusive DTEND;
- DESCRIPTION is plain text."""

import datetime
import hashlib
import json
from email.utils import parseaddr

from bs4 import BeautifulSoup
from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress
from wagtail.rich_text import expand_db_html

from meetings.models import MeetingPage

PRODID = "-//Council of the European Union//SPOC Network Portal//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"

STATUS = {
    MeetingPage.Status.PLANNED: "TENTATIVE",
    MeetingPage.Status.INVITATIONS_SENT: "CONFIRMED",
    MeetingPage.Status.CONFIRMED: "CONFIRMED",
    MeetingPage.Status.HELD: "CONFIRMED",
    MeetingPage.Status.POSTPONED: "TENTATIVE",
    MeetingPage.Status.CANCELLED: "CANCELLED",
}
BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "blockquote")


# What calendar clients must be told about: time, place and status.
SIGNIFICANT_FIELDS = ("start", "end", "time_zone", "all_day", "venue", "online_url", "status")


def meeting_calendar_state(meeting):
    """A digest of the meeting's significant values (time, place, status)."""
    values = {
        "start": meeting.start.astimezone(datetime.UTC).isoformat(),
        "end": meeting.end.astimezone(datetime.UTC).isoformat(),
        "time_zone": meeting.time_zone,
        "all_day": bool(meeting.all_day),
        "venue": (meeting.venue or "").strip(),
        "online_url": (meeting.online_url or "").strip(),
        "status": meeting.status,
    }
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def meeting_is_significant_change(old, new):
    """Whether going from `old` to `new` changes time, place or status."""
    return meeting_calendar_state(old) != meeting_calendar_state(new)


def itip_organizer(meeting):
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if meeting.presidency_id:
        name = f"{meeting.presidency.country.name} Presidency"
    else:
        name = settings.WAGTAIL_SITE_NAME
    return name, address or "portal@localhost"


def description_text(html):
    """Rich text as plain text: one paragraph per block, list items with a dash, links with
    their address in brackets."""
    if not html:
        return ""
    soup = BeautifulSoup(expand_db_html(html), "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for link in soup.find_all("a"):
        href = link.get("href", "")
        text = link.get_text()
        if href and href not in text and not href.startswith("#"):
            link.replace_with(f"{text} ({href})")
    blocks = []
    for element in soup.find_all(BLOCK_TAGS):
        if element.find(BLOCK_TAGS):
            continue  # an outer block: its inner blocks are taken one by one
        text = " ".join(element.get_text().split())
        if text:
            blocks.append(f"- {text}" if element.name == "li" else text)
    if not blocks:
        text = " ".join(soup.get_text().split())
        blocks = [text] if text else []
    return "\n\n".join(blocks)


def _mailto(email, name=None, **params):
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = str(name)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = str(value)
    return address


def meeting_event(meeting, *, url=None, include_online_link=False, stamp=None, status=None):
    """The VEVENT of one meeting."""
    stamp = (stamp or timezone.now()).astimezone(datetime.UTC)
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.ical_sequence)
    event.add("summary", meeting.title)
    if meeting.all_day:
        event.add("dtstart", meeting.first_day)
        event.add("dtend", meeting.last_day + datetime.timedelta(days=1))  # exclusive
    else:
        event.add("dtstart", meeting.local_start)
        event.add("dtend", meeting.local_end)
    status = status or STATUS[meeting.status]
    event.add("status", status)
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")

    location = meeting.venue
    if not location and include_online_link and meeting.online_url:
        location = "Online"
    if location:
        event.add("location", location)

    parts = []
    if meeting.presidency_id:
        parts.append(f"Hosted by the {meeting.presidency.country.name} Presidency.")
    text = description_text(meeting.description)
    if text:
        parts.append(text)
    if include_online_link and meeting.online_url:
        parts.append(f"Online link: {meeting.online_url}")
    if url:
        parts.append(f"Details: {url}")
        event.add("url", url)
    if parts:
        event.add("description", "\n\n".join(parts))
    if meeting.last_published_at:
        event.add("last-modified", meeting.last_published_at.astimezone(datetime.UTC))
    if meeting.first_published_at:
        event.add("created", meeting.first_published_at.astimezone(datetime.UTC))
    return event


def _calendar(events, *, method=None, name=None):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("name", name)  # RFC 7986
        calendar.add("x-wr-calname", name)  # what most clients read
    for event in events:
        calendar.add_component(event)
    _add_timezones(calendar)
    return calendar


def _add_timezones(calendar):
    """A VTIMEZONE for every TZID used, with the transitions of a narrow window around the
    events (a year either side: enough for every client, without decades of history)."""
    days = []
    for event in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            if name in event:
                value = event[name].dt
                days.append(value.date() if isinstance(value, datetime.datetime) else value)
    if not days:
        return
    calendar.add_missing_timezones(
        first_date=min(days) - datetime.timedelta(days=366),
        last_date=max(days) + datetime.timedelta(days=366),
    )


def meeting_calendar(meeting, *, url=None, include_online_link=False, stamp=None):
    """One meeting, for download (.ics)."""
    event = meeting_event(meeting, url=url, include_online_link=include_online_link, stamp=stamp)
    return _calendar([event], method="PUBLISH").to_ical()


def feed_calendar(meetings, *, name, url_for=None, include_online_link=False, stamp=None):
    """A subscription feed of many meetings. `url_for(meeting)` gives each meeting's page URL;
    `include_online_link` is a bool for all meetings or a function of the meeting (the link
    goes only to each meeting's registered participants)."""
    stamp = stamp or timezone.now()
    link_for = include_online_link if callable(include_online_link) else None
    events = [
        meeting_event(
            meeting,
            url=url_for(meeting) if url_for else None,
            include_online_link=link_for(meeting) if link_for else include_online_link,
            stamp=stamp,
        )
        for meeting in meetings
    ]
    return _calendar(events, method="PUBLISH", name=name).to_ical()


def _itip(meeting, *, method, organizer, attendees, url, include_online_link, stamp, status=None):
    event = meeting_event(
        meeting, url=url, include_online_link=include_online_link, stamp=stamp, status=status
    )
    organizer_name, organizer_email = organizer
    event.add("organizer", _mailto(organizer_email, organizer_name))
    for attendee_name, attendee_email in attendees:
        event.add(
            "attendee",
            _mailto(
                attendee_email,
                attendee_name,
                cutype="INDIVIDUAL",
                role="REQ-PARTICIPANT",
                partstat="NEEDS-ACTION",
                rsvp="TRUE" if method == "REQUEST" else "FALSE",
            ),
        )
    return _calendar([event], method=method).to_ical()


def itip_request(meeting, *, organizer, attendees, url=None, include_online_link=True, stamp=None):
    """METHOD:REQUEST (RFC 5546 §3.2.2) inviting `attendees` [(name, email)] on behalf of
    `organizer` (name, email). Sent again with the raised SEQUENCE after every significant
    change."""
    return _itip(
        meeting,
        method="REQUEST",
        organizer=organizer,
        attendees=attendees,
        url=url,
        include_online_link=include_online_link,
        stamp=stamp,
    )


def itip_cancel(meeting, *, organizer, attendees, url=None, stamp=None):
    """METHOD:CANCEL (RFC 5546 §3.2.5): same UID, STATUS:CANCELLED, and the SEQUENCE the
    cancellation raised (higher than any REQUEST sent before it). Only for a meeting whose
    cancellation has been recorded through meetings.services."""
    if meeting.status != MeetingPage.Status.CANCELLED:
        raise ValueError("Cancel the meeting (meeting_update status=cancelled) first.")
    return _itip(
        meeting,
        method="CANCEL",
        organizer=organizer,
        attendees=attendees,
        url=url,
        include_online_link=False,
        stamp=stamp,
        status="CANCELLED",
    )


def itip_cancel_attendee(meeting, *, organizer, attendee, url=None, stamp=None):
    """METHOD:CANCEL to one attendee taken off a meeting that still takes place (a withdrawn
    or replaced delegate, RFC 5546 §2.1.5): same UID, the raised SEQUENCE, STATUS:CANCELLED
    so their calendar drops it."""
    return _itip(
        meeting,
        method="CANCEL",
        organizer=organizer,
        attendees=[attendee],
        url=url,
        include_online_link=False,
        stamp=stamp,
        status="CANCELLED",
    )
