"""The case register in the JSON API (/api/v1/cases), scoped like the pages: a case of another
country is 404, a user without a case role gets 403, every error is JSON.

POST /cases registers an incoming request from a structured payload shaped on the Universal
Message Format (UMF): the request's metadata, its channel references and its subjects
(persons, vehicles, phones, documents, organisations)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Field, Router, Schema, Status

from cases import deadlines, permissions, selectors, services
from cases.choices import Direction

router = Router(tags=["cases"])


class ErrorOut(Schema):
    detail: str


class DuplicateOut(Schema):
    detail: str
    duplicates: list[dict]


class ReferenceIn(Schema):
    kind: str = Field(description="siena_message, siena_case, sirene, interpol, bilateral, pccc")
    value: str


class SubjectIn(Schema):
    kind: str = Field(description="person, vehicle, phone, document or organisation")
    name: str = Field("", description="Surname of a person, or an organisation's name")
    given_names: str = ""
    date_of_birth: datetime.date | None = None
    identifier: str = Field("", description="Document number, plate or phone number")


class RequestIn(Schema):
    """An incoming request (UMF-like)."""

    requesting_country: str | None = Field(
        None, description="ISO or EU code of the requesting country of the network"
    )
    requesting_party: str | None = Field(
        None, description="A third country's name, or an agency (europol, interpol, ...)"
    )
    requesting_party_kind: str = Field("network", description="network, third_country or agency")
    channel: str = Field("siena", description="siena, sirene, interpol, bilateral or pccc")
    channel_reason: str = Field("", description="Required when the channel is not SIENA")
    received_at: datetime.datetime = Field(description="Time of receipt (ISO 8601 with offset)")
    summary: str
    description: str = ""
    urgent: bool = False
    urgency_grounds: list[str] = Field(
        default_factory=list, description="public_security, life, liberty, relevance"
    )
    information_access: str = Field("direct", description="direct or indirect")
    handling_code: str = Field("H0", description="H0-H3")
    source_evaluation: str = Field("X", description="A, B, C or X")
    information_evaluation: str = Field("4", description="1-4")
    references: list[ReferenceIn] = Field(default_factory=list)
    subjects: list[SubjectIn] = Field(default_factory=list)
    confirm_duplicate: bool = Field(
        False, description="Register even though a known reference or subject matches"
    )


class ReferenceOut(Schema):
    kind: str
    value: str


class SubjectOut(Schema):
    kind: str
    name: str
    given_names: str
    date_of_birth: datetime.date | None
    identifier: str


class CaseOut(Schema):
    id: int
    number: str
    direction: str
    counterpart: str
    channel: str
    status: str
    summary: str
    urgent: bool
    received_at: datetime.datetime
    due_at: datetime.datetime
    deadline_state: str | None
    possible_duplicate_of: str | None


class CaseDetailOut(CaseOut):
    description: str
    channel_reason: str
    urgency_grounds: list[str]
    information_access: str
    handling_code: str
    evaluation: str
    refusal_grounds: list[str]
    references: list[ReferenceOut]
    subjects: list[SubjectOut]
    time_zone: str


class ReplyIn(Schema):
    text: str


def _require_scope(user):
    if not permissions.can_use_cases(user):
        raise PermissionDenied


def _case(request, case_id):
    case = selectors.case_for(request.user, case_id)
    if case is None:
        raise Http404
    return case


def _out(case, now=None):
    from django.utils import timezone

    state = None
    if case.is_open:
        pause = selectors.open_pause(case) if case.status == "waiting" else None
        state = deadlines.standing(
            case.due_at,
            now=now or timezone.now(),
            paused_since=pause.started_at if pause else None,
            urgent=case.short_limit,
        ).state
    return {
        "id": case.pk,
        "number": case.number,
        "direction": case.direction,
        "counterpart": case.counterpart_label,
        "channel": case.channel,
        "status": case.status,
        "summary": case.summary,
        "urgent": case.urgent,
        "received_at": case.received_at,
        "due_at": case.due_at,
        "deadline_state": state,
        "possible_duplicate_of": (
            case.possible_duplicate_of.number if case.possible_duplicate_of_id else None
        ),
    }


def _detail(case):
    return {
        **_out(case),
        "description": case.description,
        "channel_reason": case.channel_reason,
        "urgency_grounds": case.urgency_grounds,
        "information_access": case.information_access,
        "handling_code": case.handling_code,
        "evaluation": f"{case.source_evaluation}{case.information_evaluation}",
        "refusal_grounds": case.refusal_grounds,
        "references": list(case.references.all()),
        "subjects": list(case.subjects.all()),
        "time_zone": deadlines.zone_for(case.country.code).key,
    }


# 422: the request does not fit the schema (a bad id or body), answered as JSON by portal.api.
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get(
    "", response={200: list[CaseOut], **ERRORS}, summary="Your SPOC's open cases (max. 200)"
)
def case_list(request, status: str = "open", q: str = ""):
    _require_scope(request.user)
    cases = list(
        selectors.cases_list(request.user, query=q, status=status).select_related(
            "possible_duplicate_of"
        )[:200]
    )
    country = permissions.case_country(request.user)
    if country is not None and cases:
        services.cases_consulted(
            actor=request.user, country=country, detail=f"API list of {len(cases)} case(s)"
        )
    return [_out(case) for case in cases]


@router.get("/{case_id}", response={200: CaseDetailOut, **ERRORS}, summary="One case")
def case_detail(request, case_id: int):
    case = _case(request, case_id)
    services.case_consult(
        actor=request.user, case=case, justification="API client", what="read through the API"
    )
    return _detail(case)


@router.post(
    "",
    response={201: CaseDetailOut, 400: ErrorOut, 409: DuplicateOut, **ERRORS},
    summary="Register an incoming request (UMF-like payload)",
)
def case_create(request, payload: RequestIn):
    if not permissions.can_write_cases(request.user):
        raise PermissionDenied
    data = {
        "direction": Direction.INCOMING,
        "counterpart_kind": payload.requesting_party_kind,
        "counterpart_country": payload.requesting_country or "",
        "counterpart_name": payload.requesting_party or "",
        "channel": payload.channel,
        "channel_reason": payload.channel_reason,
        "summary": payload.summary,
        "description": payload.description,
        "received_at": payload.received_at,
        "urgent": payload.urgent,
        "urgency_grounds": payload.urgency_grounds,
        "information_access": payload.information_access,
        "handling_code": payload.handling_code,
        "source_evaluation": payload.source_evaluation,
        "information_evaluation": payload.information_evaluation,
    }
    try:
        case = services.case_register(
            actor=request.user,
            data=data,
            references=[(r.kind, r.value) for r in payload.references],
            subjects=[s.dict() for s in payload.subjects],
            confirm_duplicate=payload.confirm_duplicate,
        )
    except services.DuplicateSuspected as exc:
        return Status(
            409,
            {
                "detail": exc.messages[0],
                "duplicates": [
                    {"id": m.case.pk, "number": m.case.number, "reasons": m.reasons}
                    for m in exc.matches
                ],
            },
        )
    except ValidationError as exc:
        return Status(400, {"detail": _message(exc)})
    return Status(201, _detail(case))


@router.post(
    "/{case_id}/reply",
    response={200: CaseDetailOut, 400: ErrorOut, **ERRORS},
    summary="Record the reply to a case (answers it)",
)
def case_reply(request, case_id: int, payload: ReplyIn):
    case = _case(request, case_id)
    if not permissions.can_write_cases(request.user):
        raise Http404
    try:
        case = services.case_answer(actor=request.user, case=case, text=payload.text)
    except ValidationError as exc:
        return Status(400, {"detail": _message(exc)})
    return _detail(selectors.case_for(request.user, case.pk))


def _message(exc):
    if hasattr(exc, "error_dict"):
        return " ".join(
            f"{field}: {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        )
    return " ".join(exc.messages)
