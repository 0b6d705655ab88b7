"""Art. 5(1) of Directive (EU) 2023/977: the time limits run from the receipt of the request:

  (a) 8 hours for urgent requests for directly accessible information;
  (b) 3 calendar days for urgent requests for indirectly accessible information;
  (c) 7 calendar days for all other requests.

Hours are real hours (UTC arithmetic). Calendar days are counted in the SPOC's own time zone:
3 days after 10:00 on a Friday is 10:00 on the Monday, whether or not a summer-time change
falls in between (that Monday is 71 or 73 real hours later). No business hours, weekends or
public holidays: the Directive counts calendar days.

The clock stands while the requested SPOC waits for a judicial authorisation (Art. 5(2)) or
for a clarification it asked for (Art. 6(3)): each closed pause moves the deadline by its real
length; while a pause is open there is no running deadline, only the time that was left.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from cases.choices import InformationAccess

UTC = datetime.UTC
SOON = datetime.timedelta(hours=24)  # "due soon" on lists and the dashboard
SOON_URGENT = datetime.timedelta(hours=2)

# The SPOC's time zone, by ISO country code (the 31 countries of the network).
TIME_ZONES = {
    "AT": "Europe/Vienna", "BE": "Europe/Brussels", "BG": "Europe/Sofia",
    "CH": "Europe/Zurich", "CY": "Asia/Nicosia", "CZ": "Europe/Prague",
    "DE": "Europe/Berlin", "DK": "Europe/Copenhagen", "EE": "Europe/Tallinn",
    "ES": "Europe/Madrid", "FI": "Europe/Helsinki", "FR": "Europe/Paris",
    "GR": "Europe/Athens", "HR": "Europe/Zagreb", "HU": "Europe/Budapest",
    "IE": "Europe/Dublin", "IS": "Atlantic/Reykjavik", "IT": "Europe/Rome",
    "LI": "Europe/Vaduz", "LT": "Europe/Vilnius", "LU": "Europe/Luxembourg",
    "LV": "Europe/Riga", "MT": "Europe/Malta", "NL": "Europe/Amsterdam",
    "NO": "Europe/Oslo", "PL": "Europe/Warsaw", "PT": "Europe/Lisbon",
    "RO": "Europe/Bucharest", "SE": "Europe/Stockholm", "SI": "Europe/Ljubljana",
    "SK": "Europe/Bratislava",
}  # fmt: skip


def zone_for(country_code):
    return zoneinfo.ZoneInfo(TIME_ZONES.get((country_code or "").upper(), "Europe/Brussels"))


@dataclass(frozen=True)
class Limit:
    hours: int = 0
    days: int = 0
    label: str = ""
    article: str = ""


LIMIT_URGENT_DIRECT = Limit(hours=8, label="8 hours", article="Art. 5(1)(a)")
LIMIT_URGENT_INDIRECT = Limit(days=3, label="3 calendar days", article="Art. 5(1)(b)")
LIMIT_OTHER = Limit(days=7, label="7 calendar days", article="Art. 5(1)(c)")


def limit_for(*, urgent, information_access):
    if urgent and information_access == InformationAccess.DIRECT:
        return LIMIT_URGENT_DIRECT
    if urgent:
        return LIMIT_URGENT_INDIRECT
    return LIMIT_OTHER


def base_deadline(received_at, limit, country_code):
    """The deadline without pauses, as an aware UTC datetime."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    if limit.hours:
        return (received_at.astimezone(UTC) + datetime.timedelta(hours=limit.hours)).astimezone(UTC)
    zone = zone_for(country_code)
    local = received_at.astimezone(zone)
    # Same wall-clock time N calendar days later (a wall time that does not exist on a
    # spring-forward night is read with the offset before the change, i.e. one hour later).
    target = (local.replace(tzinfo=None) + datetime.timedelta(days=limit.days)).replace(tzinfo=zone)
    return target.astimezone(UTC)


def paused_duration(pauses, *, now=None):
    """The real time the clock stood in the closed pauses, and the start of the open one (or
    None). `pauses` are (started_at, ended_at or None) pairs."""
    total = datetime.timedelta(0)
    open_since = None
    for started, ended in pauses:
        if ended is None:
            open_since = started if open_since is None else min(open_since, started)
        else:
            total += max(ended - started, datetime.timedelta(0))
    return total, open_since


def deadline(received_at, limit, country_code, pauses=()):
    """The deadline with closed pauses added (UTC), and the start of an open pause or None."""
    total, open_since = paused_duration(pauses)
    return base_deadline(received_at, limit, country_code) + total, open_since


@dataclass(frozen=True)
class Standing:
    """Where a case stands against its deadline at `now`."""

    due_at: datetime.datetime
    paused_since: datetime.datetime | None
    remaining: datetime.timedelta  # negative when overdue; frozen while paused
    overdue: bool
    soon: bool

    @property
    def state(self):
        if self.paused_since is not None:
            return "paused"
        if self.overdue:
            return "overdue"
        return "soon" if self.soon else "running"


def standing(due_at, *, now, paused_since=None, urgent=False):
    """`urgent`: the 8-hour limit, flagged "soon" two hours ahead (others a day ahead)."""
    reference = paused_since or now
    remaining = due_at - reference
    overdue = remaining < datetime.timedelta(0)
    soon = not overdue and remaining <= (SOON_URGENT if urgent else SOON)
    return Standing(due_at, paused_since, remaining, overdue and paused_since is None, soon)


def humanise(delta):
    """'3 d 4 h', '5 h 20 min', '12 min' (absolute value)."""
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"
