"""A Presidency update under a Wagtail privacy setting stays out of every list of updates
for users who do not pass it: the updates page, the dashboard panel, the Atom feed and the
notification email. Members of the restriction's group see it everywhere."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from wagtail.models import PageViewRestriction

from portal.models import AccessToken, UpdateIndexPage, UpdatePage
from portal.tasks import send_update_notification
from portal.tokens import access_token_for
from tests.factories import user_in
from tests.helpers import soup_of

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def publish_update(slug, title):
    index = UpdateIndexPage.objects.get()
    page = UpdatePage(
        title=title,
        slug=slug,
        date=datetime.date(2026, 11, 20),
        summary=f"About {title}.",
        body="<p>Body.</p>",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def insiders():
    return Group.objects.create(name="DAPIX delegates")


@pytest.fixture
def outsider():
    return user_in("BE", "officer", email="outsider.be@example.eu")


@pytest.fixture
def insider(insiders):
    user = user_in("DE", "officer", email="insider.de@example.eu")
    user.groups.add(insiders)
    return user


@pytest.fixture
def updates(insiders):
    public = publish_update("open-call", "Open call for fact sheets")
    private = publish_update("dapix-draft", "Confidential DAPIX preparation")
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(insiders)
    return public, private


def titles_on_updates_page(client, user):
    client.force_login(user)
    response = client.get(UpdateIndexPage.objects.get().url)
    assert response.status_code == 200
    return {link.get_text(strip=True) for link in soup_of(response).select("main a")}


def titles_in_dashboard_panel(client, user):
    client.force_login(user)
    panel = soup_of(client.get("/")).select_one("#panel-latest-updates")
    return {link.get_text(strip=True) for link in panel.select("a")}


def titles_in_feed(client, user):
    token = access_token_for(user=user, purpose=AccessToken.Purpose.FEED)
    response = client.get(f"/feeds/updates/{token}/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own output, in a test
    return {entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")}


@pytest.mark.parametrize(
    "titles_of", [titles_on_updates_page, titles_in_dashboard_panel, titles_in_feed]
)
def test_restricted_update_is_listed_only_for_members_of_its_group(
    client, updates, outsider, insider, titles_of
):
    assert "Open call for fact sheets" in titles_of(client, outsider)
    assert "Confidential DAPIX preparation" not in titles_of(client, outsider)
    assert "Confidential DAPIX preparation" in titles_of(client, insider)


def test_update_behind_a_password_is_never_listed(client, outsider):
    page = publish_update("password-only", "Password protected note")
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )
    assert "Password protected note" not in titles_on_updates_page(client, outsider)
    assert "Password protected note" not in titles_in_feed(client, outsider)


def test_restriction_on_the_index_hides_every_update_below_it(client, updates, outsider, insiders):
    restriction = PageViewRestriction.objects.create(
        page=UpdateIndexPage.objects.get(), restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(insiders)
    listed = titles_in_dashboard_panel(client, outsider)
    assert not {"Open call for fact sheets", "Confidential DAPIX preparation"} & listed
    assert titles_in_feed(client, outsider) == set()


def test_notification_email_goes_only_to_users_who_may_open_the_update(
    insiders, outsider, insider
):
    page = UpdatePage(
        title="Restricted briefing",
        slug="restricted-briefing",
        date=datetime.date(2026, 11, 20),
        summary="For the delegates.",
        body="<p>Body.</p>",
    )
    UpdateIndexPage.objects.get().add_child(instance=page)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(insiders)
    page.save_revision().publish()
    mail.outbox.clear()

    send_update_notification.call(page_id=page.pk)

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["insider.de@example.eu"]
