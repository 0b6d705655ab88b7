"""The closed lists a case is recorded with, each with its legal source.

Directive (EU) 2023/977 ("the Directive") on the exchange of information between the law
enforcement authorities of Member States; the Europol codes (handling codes H0-H3 and the
4x4 evaluation) that travel with information exchanged through SIENA."""

from django.db import models


class Direction(models.TextChoices):
    INCOMING = "incoming", "Incoming (a request we received)"
    OUTGOING = "outgoing", "Outgoing (a request we sent)"


class CounterpartKind(models.TextChoices):
    """Who asked us (incoming) or whom we asked (outgoing)."""

    NETWORK = "network", "A country of the network"
    THIRD_COUNTRY = "third_country", "A third country"
    AGENCY = "agency", "An EU agency or international organisation"


AGENCIES = [
    ("europol", "Europol"),
    ("interpol", "Interpol"),
    ("eurojust", "Eurojust"),
    ("frontex", "Frontex"),
    ("olaf", "OLAF"),
    ("eppo", "EPPO"),
]


class Channel(models.TextChoices):
    SIENA = "siena", "SIENA (Europol)"
    SIRENE = "sirene", "SIRENE (Schengen Information System)"
    INTERPOL = "interpol", "Interpol (I-24/7)"
    BILATERAL = "bilateral", "Bilateral (liaison officer or direct contact)"
    PCCC = "pccc", "Police and customs cooperation centre (PCCC)"


class ChannelReason(models.TextChoices):
    """Why a channel other than SIENA was used. Art. 13(1): SIENA is the default; Art. 13(2)
    lists the cases in which another channel may be used. The last item covers exchanges the
    Directive does not govern (another Union act applies, e.g. SIS alerts through SIRENE)."""

    THIRD_PARTIES = (
        "third_parties",
        "Art. 13(2)(a): third countries or international organisations are or will be involved",
    )
    URGENCY = "urgency", "Art. 13(2)(b): the urgency requires temporary use of another channel"
    INCIDENT = (
        "incident",
        "Art. 13(2)(c): an unexpected technical or operational incident prevents using SIENA",
    )
    OTHER_INSTRUMENT = (
        "other_instrument",
        "Another Union act governs the exchange (e.g. an SIS alert handled through SIRENE)",
    )


class UrgencyGround(models.TextChoices):
    """Art. 4(4): a request is urgent when the information is ..."""

    PUBLIC_SECURITY = (
        "public_security",
        "Art. 4(4)(a): essential to prevent an immediate and serious threat to public security",
    )
    LIFE = (
        "life",
        "Art. 4(4)(b): necessary to prevent an imminent threat to the life or physical "
        "integrity of a person",
    )
    LIBERTY = (
        "liberty",
        "Art. 4(4)(c): necessary for a decision that may involve restrictive measures "
        "amounting to a deprivation of liberty",
    )
    RELEVANCE = (
        "relevance",
        "Art. 4(4)(d): at imminent risk of losing relevance, and important for the prevention, "
        "detection or investigation of criminal offences",
    )


class InformationAccess(models.TextChoices):
    """Art. 2(6)-(7) and Art. 5(1): the deadline depends on how the information is reached."""

    DIRECT = "direct", "Directly accessible (a database the SPOC or police can consult)"
    INDIRECT = "indirect", "Indirectly accessible (to be obtained from other authorities)"


class HandlingCode(models.TextChoices):
    """SIENA handling codes."""

    H0 = "H0", "H0: no restriction beyond the law-enforcement purpose"
    H1 = "H1", "H1: not to be used as evidence in judicial proceedings without the provider"
    H2 = "H2", "H2: not to be disseminated without the provider's permission"
    H3 = "H3", "H3: other restrictions, stated with the information"


class SourceEvaluation(models.TextChoices):
    """Europol 4x4: reliability of the source."""

    A = "A", "A: no doubt about the source's authenticity, trustworthiness and competence"
    B = "B", "B: the source has in most instances proved reliable"
    C = "C", "C: the source has in most instances proved unreliable"
    X = "X", "X: the reliability of the source cannot be assessed"


class InformationEvaluation(models.TextChoices):
    """Europol 4x4: reliability of the information."""

    ONE = "1", "1: no doubt about its accuracy"
    TWO = "2", "2: known personally to the source, not to the official passing it on"
    THREE = "3", "3: not known personally to the source, corroborated by other information"
    FOUR = "4", "4: not known personally to the source, cannot be corroborated"


class Status(models.TextChoices):
    """The circle of criminal intelligence (Council doc. 9410/17): receive, evaluate, reply."""

    REGISTERED = "registered", "Registered"
    CHECKED = "checked", "Checked"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING = "waiting", "Waiting (judicial authorisation or clarification)"
    ANSWERED = "answered", "Answered"
    REFUSED = "refused", "Refused"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"


# States in which the Art. 5 clock runs (or stands, while waiting) and the case is still open.
OPEN_STATUSES = frozenset({Status.REGISTERED, Status.CHECKED, Status.IN_PROGRESS, Status.WAITING})

# The transitions the services allow; everything else is refused with a message.
TRANSITIONS = {
    Status.REGISTERED: {Status.CHECKED, Status.REFUSED},
    Status.CHECKED: {Status.IN_PROGRESS, Status.ANSWERED, Status.REFUSED},
    Status.IN_PROGRESS: {Status.WAITING, Status.ANSWERED, Status.REFUSED},
    Status.WAITING: {Status.IN_PROGRESS, Status.REFUSED},
    Status.ANSWERED: {Status.CLOSED},
    Status.REFUSED: {Status.CLOSED},
    Status.CLOSED: {Status.ARCHIVED},
    Status.ARCHIVED: set(),
}


class RefusalGround(models.TextChoices):
    """Art. 6(1)(a)-(h): the only grounds on which a request may be refused."""

    NOT_AVAILABLE = "a", "Art. 6(1)(a): the information is not available"
    REQUIREMENTS = "b", "Art. 6(1)(b): the request does not meet the requirements of Art. 4"
    AUTHORISATION_REFUSED = "c", "Art. 6(1)(c): the judicial authorisation was refused"
    DATA_CATEGORY = (
        "d",
        "Art. 6(1)(d): personal data outside the categories of Art. 10(b)",
    )
    INACCURATE = (
        "e",
        "Art. 6(1)(e): the information is inaccurate, incomplete or no longer up to date",
    )
    INTERESTS = (
        "f",
        "Art. 6(1)(f): it would harm national security, an ongoing investigation, a person's "
        "safety or a legal person's protected interests",
    )
    OFFENCE = (
        "g",
        "Art. 6(1)(g): the offence is punishable by one year or less, or is not an offence "
        "under the requested State's law",
    )
    NO_CONSENT = (
        "h",
        "Art. 6(1)(h): the information came from another State or a third country that did "
        "not consent",
    )


class ReferenceKind(models.TextChoices):
    """External references of the channels (9410/17: one registration number for all of them,
    so the same request arriving twice is caught)."""

    SIENA_MESSAGE = "siena_message", "SIENA message ID"
    SIENA_CASE = "siena_case", "SIENA case ID"
    SIRENE = "sirene", "SIRENE form or reference"
    INTERPOL = "interpol", "Interpol reference"
    BILATERAL = "bilateral", "Bilateral reference"
    PCCC = "pccc", "PCCC reference"


class SubjectKind(models.TextChoices):
    PERSON = "person", "Person"
    VEHICLE = "vehicle", "Vehicle"
    PHONE = "phone", "Phone number"
    DOCUMENT = "document", "Identity or travel document"
    ORGANISATION = "organisation", "Organisation"


class PauseKind(models.TextChoices):
    JUDICIAL = "judicial", "Judicial authorisation (Art. 5(2))"
    CLARIFICATION = "clarification", "Clarification requested (Art. 6(3))"


class PauseOutcome(models.TextChoices):
    GRANTED = "granted", "Authorisation granted"
    REFUSED = "refused", "Authorisation refused"
    CLARIFIED = "clarified", "Clarification received"
