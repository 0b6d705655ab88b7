"""Demo content for `manage.py seed_demo`. Each app returns its seeders from a
`register_demo_seeder` hook in its wagtail_hooks.py (portal.plugins); they run in the hooks'
order (INSTALLED_APPS order, the portal's users first). Seeders must be idempotent (look up by
natural key, create only what is missing)."""

import datetime

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from portal import plugins
from portal.models import (
    Organisation,
    Role,
    UpdateIndexPage,
    UpdateNotification,
    UpdatePage,
    User,
)
from portal.services import _apply_roles

DEMO_PASSWORD = "spoc-demo-2026"  # noqa: S105 - public demo password, dev settings only

def demo_user(email):
    """The demo user with this email, or None (before the portal's seeder ran)."""
    return User.objects.filter(email=email).first()


@transaction.atomic
def run_seeders():
    report = {"logins": []}
    for seeder in plugins.collect(plugins.DEMO_SEEDER):
        seeder(report)
    return report


DEMO_USERS = [
    # email, first, last, organisation slug, roles, description
    ("admin@example.eu", "Ada", "Admin", "gsc", [Role.ADMIN], "portal administrator"),
    ("head.be@example.eu", "Hélène", "Dubois", "spoc-be", [Role.HEAD], "Head of SPOC, Belgium"),
    (
        "officer.be@example.eu",
        "Pieter",
        "Claes",
        "spoc-be",
        [Role.OFFICER],
        "SPOC officer, Belgium",
    ),
    (
        "editor.be@example.eu",
        "Sofie",
        "Peeters",
        "spoc-be",
        [Role.EDITOR],
        "national editor, Belgium",
    ),
    ("head.de@example.eu", "Jonas", "Weber", "spoc-de", [Role.HEAD], "Head of SPOC, Germany"),
    (
        "officer.de@example.eu",
        "Lena",
        "Schmidt",
        "spoc-de",
        [Role.OFFICER],
        "SPOC officer, Germany",
    ),
    (
        "trainer.nl@example.eu",
        "Daan",
        "de Vries",
        "spoc-nl",
        [Role.TRAINER],
        "trainer, Netherlands",
    ),
    (
        "presidency.ie@example.eu",
        "Aoife",
        "Byrne",
        "spoc-ie",
        [Role.PRESIDENCY],
        "Presidency editor (Ireland, 2026 H2)",
    ),
    (
        "approver.ie@example.eu",
        "Cian",
        "Murphy",
        "spoc-ie",
        [Role.HEAD, Role.PRESIDENCY_APPROVER],
        "Head of SPOC Ireland, Presidency approver",
    ),
    ("europol@example.eu", "Marta", "Rossi", "europol", [Role.AGENCY], "Europol liaison"),
]


def seed_users(report):
    for email, first, last, org_slug, roles, description in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                username=email.split("@")[0],
                email=email,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                organisation=Organisation.objects.get(slug=org_slug),
            )
            _apply_roles(user, roles)
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
        report["logins"].append((email, description))


DEMO_UPDATES = [
    (
        "network-meeting-dublin",
        "Heads of SPOC meeting in Dublin, 3-4 December 2026",
        datetime.date(2026, 10, 12),
        UpdatePage.Audience.NETWORK,
        "The Irish Presidency invites the Heads of SPOC to the second network meeting of 2026. "
        "Agenda proposals are welcome until 13 November.",
    ),
    (
        "directive-2023-977-transposition",
        "Transposition of Directive (EU) 2023/977: state of play",
        datetime.date(2026, 9, 18),
        UpdatePage.Audience.NETWORK,
        "A short overview of how Member States organise their SPOCs under the Information "
        "Exchange Directive, and the questions raised at the last meeting.",
    ),
    (
        "report-to-dapix-2026-h1",
        "Activity report of the Heads of SPOC network to IXIM, first half of 2026",
        datetime.date(2026, 7, 2),
        UpdatePage.Audience.DAPIX,
        "The network reports on its meeting in Nicosia, its work on case-management "
        "standards and the training needs collected with CEPOL.",
    ),
]


def seed_updates(report):
    index = UpdateIndexPage.objects.first()
    if index is None:
        return
    for slug, title, date, audience, summary in DEMO_UPDATES:
        if Page.objects.filter(slug=slug).exists():
            continue
        page = UpdatePage(
            title=title,
            slug=slug,
            date=date,
            audience=audience,
            summary=summary,
            body=f"<p>{summary}</p><p>Further details will follow on the portal.</p>",
        )
        index.add_child(instance=page)
        # Demo updates are back-dated news: mark them as already announced so that seeding
        # does not email every demo account.
        UpdateNotification.objects.get_or_create(
            page_id=page.pk, defaults={"queued_at": timezone.now(), "sent_at": timezone.now()}
        )
        page.save_revision().publish()
