"""Quick answer for officers (Council doc. 13083/1/20, point 30: "web apps that would inform
individual law enforcement officers on the applicable rules for cross-border actions").

An officer chooses the country of origin (their own by default), the country entered and the
action (hot pursuit, cross-border surveillance, joint patrol), and gets on one screen the rules
for that border, whom to notify, the source and its dates.

Which rule answers the question
-------------------------------
The rule shown is the `CrossBorderRule` of the ENTERED country's fact sheet for the action's
topic whose `neighbour` is the ORIGIN country: "hot pursuit, DE -> BE" is the rule on Belgium's
hot-pursuit sheet for officers of Germany.

That is how the Schengen Convention (CISA) distributes the rules: the state whose territory is
entered sets the conditions there.
- Hot pursuit: under Art. 41(9) each state declares, *for each state with which it shares a
  border*, how hot pursuit is carried out *on its territory*: whether the pursuing officers may
  apprehend (Art. 41(2)), the limits in space or time (Art. 41(3)) and the offences
  (Art. 41(4)). The pursuing officers must comply with the law of the state in whose territory
  they are operating and obey its local authorities (Art. 41(5)(a)).
- Surveillance: the requested (entered) state authorises it and may attach conditions
  (Art. 40(1)); the officers comply with the law of the state in whose territory they operate
  (Art. 40(3)(a)).
- Joint patrols and other joint operations (Art. 17 of Decision 2008/615/JHA): the host
  (entered) state decides what powers seconded officers may exercise, under the guidance of
  its own officers and its own law (Art. 17(2)-(3)).
The officer's own service may add its own instructions (and bilateral treaties may go further
than the Convention); those belong on the origin country's sheets, which the page links to.

Contacts to notify are the entered country's SPOC and police and customs cooperation centres
(PCCC), from the action's sheet and the entered country's sheet on channels and contact points.
"""

import dataclasses

from django.utils import timezone

from knowledge import selectors
from knowledge.compare import ParamError, countries_by_code, split_codes
from knowledge.models import ContactPoint, CrossBorderRule
from knowledge.topics import TOPIC_ACTIONS, topic_by_slug

CONTACTS_TOPIC = "channels-and-contact-points"
NOTIFY_SERVICES = (ContactPoint.Service.SPOC, ContactPoint.Service.PCCC)

# action -> topic slug (the reverse of knowledge.topics.TOPIC_ACTIONS)
ACTION_TOPICS = {action: slug for slug, action in TOPIC_ACTIONS.items()}
ACTION_CHOICES = [
    (value, label) for value, label in CrossBorderRule.Action.choices if value in ACTION_TOPICS
]


READING_NOTES = {
    "hot_pursuit": (
        "each Schengen state declares, for each neighbour, how hot pursuit is carried out on "
        "its territory (Art. 41(9) CISA), and pursuing officers comply with its law and obey "
        "its local authorities (Art. 41(5)(a))."
    ),
    "surveillance": (
        "the state entered authorises the surveillance and may attach conditions "
        "(Art. 40(1) CISA), and the officers comply with its law and obey its local "
        "authorities (Art. 40(3)(a))."
    ),
    "joint_patrol": (
        "the host state decides what powers seconded officers may exercise, under the "
        "guidance of its officers and its law (Art. 17 of Decision 2008/615/JHA)."
    ),
}


@dataclasses.dataclass
class QuickAnswer:
    origin: object  # Country
    entered: object  # Country
    action: str
    action_label: str
    topic: object  # Topic
    sheet: object  # the entered country's FactSheetPage on the topic, or None
    rule: object  # CrossBorderRule or None
    contacts: list  # ContactPoint: SPOC first, then PCCC
    legal_bases: list
    sheet_url: str
    overdue: bool
    contacts_sheet_url: str = ""

    @property
    def spoc(self):
        return next((c for c in self.contacts if c.service == ContactPoint.Service.SPOC), None)

    @property
    def review_due(self):
        return self.sheet.review_due if self.sheet is not None else None

    @property
    def reading_note(self):
        """Why these are the entered country's rules, for the action asked about."""
        entered, origin = self.entered.name, self.origin.name
        opening = (
            f"These are the conditions {entered} (the country entered) sets for officers "
            f"from {origin} on its territory"
        )
        legal = READING_NOTES[self.action]
        return f"{opening}: {legal} Your own service's instructions also apply."

    @property
    def no_rule_message(self):
        """What the officer reads when no rule is recorded for this border."""
        what = self.action_label.lower()
        message = (
            f"No rule recorded for officers from {self.origin.code} entering "
            f"{self.entered.code} ({what})"
        )
        spoc = self.spoc
        if spoc is not None and (spoc.phone or spoc.email):
            reach = spoc.phone or spoc.email
            return f"{message}; call the SPOC 24/7: {spoc.name}, {reach}."
        return f"{message}; contact your own SPOC before crossing."


def parse(*, origin, entered, action, known=None):
    """(origin Country, entered Country, action) from request values, or ParamError naming
    the parameter."""
    known = countries_by_code() if known is None else known
    result = []
    for param, value, label in (
        ("origin", origin, "country of origin"),
        ("entered", entered, "country entered"),
    ):
        codes = split_codes(value)
        if not codes:
            raise ParamError(param, f"Choose the {label}.")
        if len(codes) > 1 or codes[0] not in known:
            raise ParamError(param, f"Unknown {label}: {str(value)[:20]}.")
        result.append(known[codes[0]])
    origin_country, entered_country = result
    if origin_country.pk == entered_country.pk:
        raise ParamError(
            "entered",
            f"The country entered must differ from the country of origin "
            f"(both are {origin_country.name}).",
        )
    if action not in ACTION_TOPICS:
        raise ParamError(
            "action", "Choose an action: hot pursuit, cross-border surveillance or joint patrol."
        )
    return origin_country, entered_country, action


def quick_answer(*, origin, entered, action, user, request=None, today=None):
    """The rules for officers of `origin` doing `action` on the territory of `entered`
    (Country objects). Three queries for the sheets and their rows, whatever they hold."""
    today = today or timezone.localdate()
    topic = topic_by_slug(ACTION_TOPICS[action])
    sheets = {
        sheet.topic: sheet
        for sheet in selectors.fact_sheets_with_structure(
            selectors.fact_sheets_for(user).filter(
                country=entered, topic__in=[topic.slug, CONTACTS_TOPIC]
            )
        )
    }
    sheet = sheets.get(topic.slug)
    contacts_sheet = sheets.get(CONTACTS_TOPIC)
    rule = None
    if sheet is not None:
        rule = next(
            (
                r
                for r in sheet.cross_border_rules.all()
                if r.action == action and r.neighbour_id == origin.pk
            ),
            None,
        )
    return QuickAnswer(
        origin=origin,
        entered=entered,
        action=action,
        action_label=dict(CrossBorderRule.Action.choices)[action],
        topic=topic,
        sheet=sheet,
        rule=rule,
        contacts=_contacts_to_notify(sheet, contacts_sheet),
        legal_bases=list(sheet.legal_bases.all()) if sheet is not None else [],
        sheet_url=(sheet.get_url(request) or "") if sheet is not None else "",
        contacts_sheet_url=(contacts_sheet.get_url(request) or "") if contacts_sheet else "",
        overdue=bool(sheet and sheet.is_overdue_on(today)),
    )


def _contacts_to_notify(*sheets):
    """SPOC and PCCC contact points of the sheets, SPOC first, each contact once."""
    seen = set()
    contacts = []
    for service in NOTIFY_SERVICES:
        for sheet in sheets:
            if sheet is None:
                continue
            for contact in sheet.contact_points.all():
                key = (contact.service, contact.name, contact.phone, contact.email)
                if contact.service == service and key not in seen:
                    seen.add(key)
                    contacts.append(contact)
    return contacts


def default_origin(user, known):
    """The officer's own country, when they belong to one of the network's countries."""
    country = getattr(user, "country", None)
    if country is not None and country.code in known:
        return country.code
    return ""


def as_of_dates(answer):
    """The "as of" dates of the legal bases, newest first (for the answer's date line)."""
    days = {basis.as_of for basis in answer.legal_bases if basis.as_of}
    return sorted(days, reverse=True)
