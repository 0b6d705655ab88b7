"""Making cases in tests: through the services, as an officer would."""

import datetime

from cases import services

NOW = datetime.datetime(2026, 3, 20, 9, 0, tzinfo=datetime.UTC)


def request_data(**overrides):
    data = {
        "direction": "incoming",
        "counterpart_kind": "network",
        "counterpart_country": "DE",
        "channel": "siena",
        "summary": "Owner of a vehicle seen at a burglary",
        "received_at": NOW - datetime.timedelta(hours=1),
        "urgent": False,
        "information_access": "direct",
    }
    data.update(overrides)
    return data


def make_case(actor, *, references=(), subjects=(), confirm_duplicate=False, **overrides):
    if "counterpart_country" not in overrides and actor.country.code == "DE":
        overrides["counterpart_country"] = "BE"
    return services.case_register(
        actor=actor,
        data=request_data(**overrides),
        references=references,
        subjects=subjects,
        confirm_duplicate=confirm_duplicate,
    )
