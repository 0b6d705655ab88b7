"""Art. 18 of Directive (EU) 2023/977: each year by 1 March, the statistics of the year before.

For a country and a calendar year (in the SPOC's time zone), from the cases the user may see:
  (a) requests submitted (outgoing), by requested party;
  (b) requests received and answered, urgent and not urgent, by requesting party;
  (c) refusals, by ground of Art. 6(1) and by requesting party;
  (d) deadline derogations for a judicial authorisation (Art. 5(2)), by requesting party;
plus, for the SPOC's own follow-up: deadlines met (in %), time to answer, counts per channel.
A refusal on two grounds counts once under each ground."""

import datetime
import statistics as pystats
from collections import Counter, defaultdict

from cases import deadlines
from cases.choices import Channel, Direction, PauseKind, RefusalGround
from cases.models import Case, DeadlinePause


def _year_bounds(year, country_code):
    zone = deadlines.zone_for(country_code)
    start = datetime.datetime(year, 1, 1, tzinfo=zone)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=zone)
    return start, end


def _party(row, names):
    if row["counterpart_country_id"]:
        return names[row["counterpart_country_id"]]
    return row["counterpart_name"] or "—"


def report(cases, *, country, year):
    """The statistics of `cases` (a queryset already scoped by cases_visible_to) for the
    country and year. Returns plain dicts and lists (for the page, the CSV and the PDF)."""
    from portal.models import Country

    start, end = _year_bounds(year, country.code)
    rows = list(
        cases.filter(country=country, received_at__gte=start, received_at__lt=end).values(
            "pk",
            "direction",
            "counterpart_country_id",
            "counterpart_name",
            "channel",
            "urgent",
            "received_at",
            "answered_at",
            "refused_at",
            "due_at",
            "refusal_grounds",
            "status",
        )
    )
    names = dict(Country.objects.values_list("pk", "name"))
    judicial = set(
        DeadlinePause.objects.filter(
            case_id__in=[r["pk"] for r in rows], kind=PauseKind.JUDICIAL
        ).values_list("case_id", flat=True)
    )
    sent = Counter()
    received = defaultdict(
        lambda: {"urgent": 0, "not_urgent": 0, "answered_urgent": 0, "answered_not_urgent": 0}
    )
    refusals = defaultdict(Counter)
    derogations = Counter()
    channels = Counter()
    met = late = 0
    hours = []
    for row in rows:
        party = _party(row, names)
        channels[(row["direction"], row["channel"])] += 1
        if row["direction"] == Direction.OUTGOING:
            sent[party] += 1
            continue
        key = "urgent" if row["urgent"] else "not_urgent"
        received[party][key] += 1
        if row["answered_at"]:
            received[party][f"answered_{key}"] += 1
            hours.append((row["answered_at"] - row["received_at"]).total_seconds() / 3600)
        for ground in row["refusal_grounds"] or []:
            refusals[party][ground] += 1
        if row["pk"] in judicial:
            derogations[party] += 1
        done = row["answered_at"] or row["refused_at"]
        if done:
            if done <= row["due_at"]:
                met += 1
            else:
                late += 1
    grounds = list(RefusalGround)
    received_rows = [
        {
            "party": party,
            **values,
            "total": values["urgent"] + values["not_urgent"],
            "answered": values["answered_urgent"] + values["answered_not_urgent"],
        }
        for party, values in sorted(received.items())
    ]
    totals = {
        k: sum(r[k] for r in received_rows)
        for k in (
            "urgent",
            "not_urgent",
            "answered_urgent",
            "answered_not_urgent",
            "total",
            "answered",
        )
    }
    return {
        "country": country,
        "year": year,
        "sent": sorted(sent.items()),
        "sent_total": sum(sent.values()),
        "received": received_rows,
        "received_totals": totals,
        "grounds": grounds,
        "refusals": [
            {
                "party": party,
                "counts": [counts.get(g.value, 0) for g in grounds],
                "total": sum(counts.values()),
            }
            for party, counts in sorted(refusals.items())
        ],
        "refusal_totals": [sum(c.get(g.value, 0) for c in refusals.values()) for g in grounds],
        "derogations": sorted(derogations.items()),
        "derogations_total": sum(derogations.values()),
        "deadlines_met": met,
        "deadlines_missed": late,
        "deadlines_met_percent": round(100 * met / (met + late), 1) if met + late else None,
        "hours_to_answer_median": round(pystats.median(hours), 1) if hours else None,
        "channels": [
            {"direction": Direction(d).label, "channel": Channel(c).label, "count": n}
            for (d, c), n in sorted(channels.items())
        ],
        "case_count": len(rows),
    }


def csv_rows(data):
    """The report as CSV rows: section, party, measure, value."""
    yield ["section", "party", "measure", "value"]
    for party, count in data["sent"]:
        yield ["Art. 18(2)(a) requests sent", party, "sent", count]
    for row in data["received"]:
        for measure in ("urgent", "not_urgent", "answered_urgent", "answered_not_urgent"):
            yield ["Art. 18(2)(b) requests received", row["party"], measure, row[measure]]
    for row in data["refusals"]:
        for ground, count in zip(data["grounds"], row["counts"], strict=True):
            if count:
                yield ["Art. 18(2)(c) refusals", row["party"], f"Art. 6(1)({ground.value})", count]
    for party, count in data["derogations"]:
        yield ["Art. 18(2)(d) deadline derogations", party, "judicial authorisation", count]
    yield ["deadlines", "", "met", data["deadlines_met"]]
    yield ["deadlines", "", "missed", data["deadlines_missed"]]
    yield ["deadlines", "", "met (%)", data["deadlines_met_percent"] or ""]
    yield ["time to answer", "", "median hours", data["hours_to_answer_median"] or ""]
    for row in data["channels"]:
        yield ["channels", row["direction"], row["channel"], row["count"]]


def network_counts(*, year):
    """For heads: the number of cases per country and direction in a year, nothing else."""
    from django.db.models import Count

    start = datetime.datetime(year, 1, 1, tzinfo=datetime.UTC)
    end = datetime.datetime(year + 1, 1, 1, tzinfo=datetime.UTC)
    counts = defaultdict(lambda: {"incoming": 0, "outgoing": 0})
    for code, name, direction, n in (
        Case.objects.filter(received_at__gte=start, received_at__lt=end)
        .values_list("country__code", "country__name", "direction")
        .annotate(n=Count("pk"))
        .values_list("country__code", "country__name", "direction", "n")
    ):
        counts[(code, name)][direction] = n
    return [
        {"code": code, "country": name, **values} for (code, name), values in sorted(counts.items())
    ]
