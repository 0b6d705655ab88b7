"""Action items of a meeting under a Wagtail privacy setting stay with those who may open the
meeting: they are left out of the network-wide action list, of later meetings' "carried
actions" (page and API) for everyone else."""

import datetime

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from meetings.services import action_item_create
from portal.models import Country
from tests.factories import user_in
from tests.helpers import soup_of
from tests.meetings.factories import DUBLIN, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def insiders():
    return Group.objects.create(name="Restricted meeting participants")


@pytest.fixture
def restricted_meeting(insiders):
    meeting = make_meeting(
        title="Closed session, Nicosia",
        start=datetime.datetime(2026, 5, 20, 9, 30, tzinfo=DUBLIN),
        end=datetime.datetime(2026, 5, 21, 17, 0, tzinfo=DUBLIN),
        status="held",
    )
    restriction = PageViewRestriction.objects.create(
        page=meeting, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(insiders)
    return meeting


@pytest.fixture
def actions(presidency, meeting, restricted_meeting):
    belgium = Country.objects.get(code="BE")
    secret = action_item_create(
        actor=presidency,
        meeting=restricted_meeting,
        title="Prepare the confidential threat assessment",
        owner_country=belgium,
    )
    public = action_item_create(
        actor=presidency, meeting=meeting, title="Share the SIENA template", owner_country=belgium
    )
    return secret, public


@pytest.fixture
def outsider():
    return user_in("BE", "head")


@pytest.fixture
def insider(insiders):
    user = user_in("DE", "head")
    user.groups.add(insiders)
    return user


def action_titles_on_list(client, user):
    client.force_login(user)
    response = client.get("/meetings/actions/?status=all")
    assert response.status_code == 200
    return {row.td.get_text(strip=True) for row in soup_of(response).select("tr.action")}


def carried_on_meeting_page(client, user, meeting):
    client.force_login(user)
    response = client.get(meeting.url)
    assert response.status_code == 200
    return {item.contents[0].strip() for item in soup_of(response).select("li.carried-action")}


def carried_in_api(client, user, meeting):
    client.force_login(user)
    response = client.get(f"/api/v1/meetings/{meeting.pk}")
    assert response.status_code == 200
    return {action["title"] for action in response.json()["actions_carried"]}


def test_action_list_leaves_out_actions_of_a_restricted_meeting(client, actions, outsider, insider):
    assert action_titles_on_list(client, outsider) == {"Share the SIENA template"}
    assert action_titles_on_list(client, insider) == {
        "Share the SIENA template",
        "Prepare the confidential threat assessment",
    }


@pytest.mark.parametrize("carried", [carried_on_meeting_page, carried_in_api])
def test_later_meeting_does_not_carry_actions_of_a_restricted_meeting(
    client, actions, meeting, outsider, insider, carried
):
    assert "Prepare the confidential threat assessment" not in carried(client, outsider, meeting)
    assert "Prepare the confidential threat assessment" in carried(client, insider, meeting)


def test_status_of_an_action_of_a_restricted_meeting_cannot_be_set_by_outsiders(
    client, actions, outsider
):
    secret, _public = actions
    client.force_login(outsider)
    response = client.post(f"/meetings/actions/{secret.pk}/status/", {"status": "done"})
    assert response.status_code == 404
    secret.refresh_from_db()
    assert secret.status == "open"
