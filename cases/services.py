"""Writes of the case register. Each service is keyword-only, runs in one transaction,
checks who acts (PermissionDenied), validates (ValidationError with a clear message; nothing
is half-saved) and appends its audit entries (cases.audit) in the same transaction."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import audit, crosscheck, deadlines, normalise, numbers, permissions
from cases.choices import (
    AGENCIES,
    TRANSITIONS,
    Channel,
    ChannelReason,
    CounterpartKind,
    Direction,
    HandlingCode,
    InformationAccess,
    InformationEvaluation,
    PauseKind,
    PauseOutcome,
    ReferenceKind,
    RefusalGround,
    SourceEvaluation,
    Status,
    SubjectKind,
    UrgencyGround,
)
from cases.models import (
    AuditAction,
    Case,
    CaseLink,
    CaseNote,
    CrossCheckHit,
    DeadlinePause,
    ExternalReference,
    Subject,
)
from portal.reference import country_by_code

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from cases.models import AuditEntry, CaseDocument, CaseSettings
    from portal.models import Country, User

# How far apart two registrations of the same subject may be to be flagged as one request.
DUPLICATE_WINDOW = datetime.timedelta(days=30)
# Receipt times up to this far ahead of the server clock are accepted (clock skew).
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
JUSTIFICATION_MAX = 300


@dataclass
class DuplicateMatch:
    case: Case
    reasons: list


class DuplicateSuspected(ValidationError):
    """The request looks like one the SPOC already holds; register it again only with
    `confirm_duplicate=True` (it is then flagged as a possible duplicate)."""

    def __init__(self, matches):
        self.matches = matches
        numbers_ = ", ".join(match.case.number for match in matches)
        super().__init__(
            f"This request may already be registered: {numbers_}. Check it, then confirm to "
            "register it anyway."
        )


def _writer_country(actor):
    country = permissions.case_country(actor)
    if country is None:
        raise PermissionDenied("Only the SPOC's officers and head handle its cases.")
    return country


def _locked(actor, case):
    """The case re-read under a row lock, within the actor's country (or PermissionDenied)."""
    country = _writer_country(actor)
    locked = Case.objects.select_for_update().filter(pk=case.pk, country=country).first()
    if locked is None:
        raise PermissionDenied("This case is not your SPOC's.")
    return locked


def _choice(value, choices, label, *, blank=False):
    if blank and value in ("", None):
        return ""
    if value not in choices.values:
        raise ValidationError({label: f"Unknown {label.replace('_', ' ')}: {value!r}."})
    return value


# --- Registration ------------------------------------------------------------------------


def _clean_case_fields(country, data, *, now):
    errors = {}

    def check(field, func):
        try:
            return func()
        except ValidationError as exc:
            errors.update(exc.message_dict if hasattr(exc, "error_dict") else {field: exc.messages})
            return None

    cleaned = {}
    cleaned["direction"] = check(
        "direction", lambda: _choice(data.get("direction"), Direction, "direction")
    )
    kind = check(
        "counterpart_kind",
        lambda: _choice(data.get("counterpart_kind"), CounterpartKind, "counterpart_kind"),
    )
    cleaned["counterpart_kind"] = kind
    cleaned["counterpart_country"] = None
    cleaned["counterpart_name"] = ""
    if kind == CounterpartKind.NETWORK:
        code = (data.get("counterpart_country") or "").strip()
        other = country_by_code(code) if len(code) == 2 else None
        if other is None:
            errors["counterpart_country"] = [f"Unknown country code {code!r}."]
        elif other.pk == country.pk:
            errors["counterpart_country"] = ["The counterpart must be another country."]
        cleaned["counterpart_country"] = other
    elif kind == CounterpartKind.AGENCY:
        name = (data.get("counterpart_name") or "").strip().lower()
        agencies = dict(AGENCIES)
        if name not in agencies:
            errors["counterpart_name"] = [f"Unknown agency {name!r}: one of {', '.join(agencies)}."]
        cleaned["counterpart_name"] = agencies.get(name, "")
    elif kind == CounterpartKind.THIRD_COUNTRY:
        name = (data.get("counterpart_name") or "").strip()
        if not name:
            errors["counterpart_name"] = ["Name the third country."]
        cleaned["counterpart_name"] = name[:80]

    channel = check("channel", lambda: _choice(data.get("channel") or "siena", Channel, "channel"))
    cleaned["channel"] = channel
    reason = data.get("channel_reason") or ""
    if channel == Channel.SIENA:
        cleaned["channel_reason"] = ""
    elif not reason:
        errors["channel_reason"] = [
            "SIENA is the default channel (Art. 13(1)): give the reason for using another one."
        ]
    else:
        cleaned["channel_reason"] = check(
            "channel_reason", lambda: _choice(reason, ChannelReason, "channel_reason")
        )

    summary = (data.get("summary") or "").strip()
    if not summary:
        errors["summary"] = ["Give a short summary of the request."]
    cleaned["summary"] = summary[:200]
    cleaned["description"] = (data.get("description") or "").strip()

    received = data.get("received_at")
    if isinstance(received, str):
        try:
            received = datetime.datetime.fromisoformat(received)
        except ValueError:
            received = None
            errors["received_at"] = ["Give the time of receipt as an ISO 8601 date and time."]
    if received is not None and not isinstance(received, datetime.datetime):
        errors["received_at"] = ["Give the time of receipt."]
        received = None
    if received is not None and timezone.is_naive(received):
        received = received.replace(tzinfo=deadlines.zone_for(country.code))
    if received is None and "received_at" not in errors:
        errors["received_at"] = ["Give the time of receipt."]
    elif received is not None and received > now + FUTURE_TOLERANCE:
        errors["received_at"] = ["The time of receipt cannot be in the future."]
    cleaned["received_at"] = received

    urgent = bool(data.get("urgent"))
    grounds = list(dict.fromkeys(data.get("urgency_grounds") or []))
    bad = [g for g in grounds if g not in UrgencyGround.values]
    if bad:
        errors["urgency_grounds"] = [f"Unknown urgency ground: {', '.join(map(str, bad))}."]
    elif urgent and not grounds:
        errors["urgency_grounds"] = ["An urgent request needs at least one Art. 4(4) ground."]
    elif grounds and not urgent:
        errors["urgency_grounds"] = ["Urgency grounds are for urgent requests only."]
    cleaned["urgent"] = urgent
    cleaned["urgency_grounds"] = grounds
    for field, choices, default in (
        ("information_access", InformationAccess, InformationAccess.DIRECT),
        ("handling_code", HandlingCode, HandlingCode.H0),
        ("source_evaluation", SourceEvaluation, SourceEvaluation.X),
        ("information_evaluation", InformationEvaluation, InformationEvaluation.FOUR),
    ):
        value = data.get(field) or default
        cleaned[field] = check(field, lambda v=value, c=choices, f=field: _choice(v, c, f))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _clean_references(references):
    cleaned, errors = [], []
    for kind, value in references or ():
        value = (value or "").strip()
        if not value:
            continue
        if kind not in ReferenceKind.values:
            errors.append(f"Unknown reference kind {kind!r}.")
            continue
        key = normalise.reference(value)
        if not key:
            errors.append(f"The reference {value!r} has no letters or digits.")
            continue
        if (kind, key) not in {(k, n) for k, _, n in cleaned}:
            cleaned.append((kind, value[:80], key[:80]))
    if errors:
        raise ValidationError({"references": errors})
    return cleaned


def _clean_subjects(subjects, country_code):
    cleaned, errors = [], []
    for index, raw in enumerate(subjects or (), start=1):
        kind = raw.get("kind")
        if kind not in SubjectKind.values:
            errors.append(f"Subject {index}: unknown kind {kind!r}.")
            continue
        name = (raw.get("name") or "").strip()[:120]
        given = (raw.get("given_names") or "").strip()[:120]
        ident = (raw.get("identifier") or "").strip()[:60]
        dob = raw.get("date_of_birth") or None
        if isinstance(dob, str):
            try:
                dob = datetime.date.fromisoformat(dob)
            except ValueError:
                errors.append(f"Subject {index}: the date of birth is not a date (YYYY-MM-DD).")
                continue
        if dob and dob > timezone.localdate():
            errors.append(f"Subject {index}: the date of birth is in the future.")
            continue
        if not name and not ident:
            errors.append(f"Subject {index}: give a name or an identifier.")
            continue
        if kind == SubjectKind.PHONE:
            ident_key = normalise.phone(ident, country_code)
        else:
            ident_key = normalise.identifier(ident)
        name_key = (
            normalise.person_key(name, given)
            if kind == SubjectKind.PERSON
            else (normalise.name(name))
        )
        cleaned.append(
            {
                "kind": kind,
                "name": name,
                "given_names": given if kind == SubjectKind.PERSON else "",
                "date_of_birth": dob if kind == SubjectKind.PERSON else None,
                "identifier": ident,
                "name_key": name_key[:250],
                "identifier_key": ident_key[:60],
            }
        )
    if errors:
        raise ValidationError({"subjects": errors})
    return cleaned


def find_duplicates(
    *,
    country: Country,
    references: Sequence[tuple[str, str, str]],
    subjects: Sequence[Mapping[str, Any]],
    received_at: datetime.datetime | None,
    exclude: Case | None = None,
) -> list[DuplicateMatch]:
    """Cases of `country` that hold one of these references (normalised), or a subject with
    the same identifier or the same person (name and date of birth, or a near-identical name),
    registered within DUPLICATE_WINDOW of `received_at`."""
    found = {}

    def note(case, reason):
        found.setdefault(case.pk, DuplicateMatch(case, []))
        if reason not in found[case.pk].reasons:
            found[case.pk].reasons.append(reason)

    keys = [key for _, _, key in references]
    if keys:
        refs = ExternalReference.objects.filter(
            case__country=country, normalised__in=keys
        ).select_related("case")
        if exclude is not None:
            refs = refs.exclude(case=exclude)
        for ref in refs:
            note(ref.case, f"same {ref.get_kind_display()} ({ref.value})")
    if subjects and received_at is not None:
        window = Case.objects.filter(
            country=country,
            erased_at__isnull=True,
            received_at__gte=received_at - DUPLICATE_WINDOW,
            received_at__lte=received_at + DUPLICATE_WINDOW,
        )
        if exclude is not None:
            window = window.exclude(pk=exclude.pk)
        candidates = Subject.objects.filter(case__in=window).select_related("case")
        index = crosscheck.SubjectIndex()
        rows = {}
        for subject in candidates:
            surname, given = crosscheck.split_key(subject.name_key)
            index.add(
                crosscheck.Row(
                    subject.pk,
                    subject.case_id,
                    subject.kind,
                    surname,
                    given,
                    subject.date_of_birth,
                    subject.identifier_key,
                )
            )
            rows[subject.pk] = subject
        for data in subjects:
            surname, given = crosscheck.split_key(data["name_key"])
            for hit in index.search(
                kind=data["kind"],
                surname=surname,
                given=given,
                dob=data["date_of_birth"],
                identifier=data["identifier_key"],
            ):
                if hit.score >= 90:
                    note(rows[hit.pk].case, f"same subject ({rows[hit.pk]})")
    return sorted(found.values(), key=lambda m: m.case.received_at, reverse=True)


@transaction.atomic
def case_register(
    *,
    actor: User,
    data: Mapping[str, Any],
    references: Iterable[tuple[str, str]] = (),
    subjects: Iterable[Mapping[str, Any]] = (),
    confirm_duplicate: bool = False,
    now: datetime.datetime | None = None,
) -> Case:
    """Register a request received or sent: a new registration number, its deadline, its
    references and subjects; flag it when it looks like one already held (DuplicateSuspected
    unless `confirm_duplicate`); cross-check its subjects."""
    country = _writer_country(actor)
    now = now or timezone.now()
    fields = _clean_case_fields(country, data, now=now)
    refs = _clean_references(references)
    subs = _clean_subjects(subjects, country.code)
    duplicates = find_duplicates(
        country=country, references=refs, subjects=subs, received_at=fields["received_at"]
    )
    if duplicates and not confirm_duplicate:
        raise DuplicateSuspected(duplicates)
    year = timezone.localtime(now, deadlines.zone_for(country.code)).year
    try:
        sequence = numbers.next_sequence(country, year)
    except IntegrityError as exc:
        raise ValidationError(f"No registration number is left for {year}.") from exc
    limit = deadlines.limit_for(
        urgent=fields["urgent"], information_access=fields["information_access"]
    )
    case = Case.objects.create(
        country=country,
        number=numbers.format_number(country.code, year, sequence),
        year=year,
        sequence=sequence,
        due_at=deadlines.base_deadline(fields["received_at"], limit, country.code),
        created_by=actor,
        created_at=now,
        updated_at=now,
        possible_duplicate_of=duplicates[0].case if duplicates else None,
        **fields,
    )
    ExternalReference.objects.bulk_create(
        ExternalReference(case=case, kind=kind, value=value, normalised=key)
        for kind, value, key in refs
    )
    created = [Subject.objects.create(case=case, **sub) for sub in subs]
    audit.record(
        country=country,
        actor=actor,
        action=AuditAction.COLLECTION,
        case=case,
        detail=(
            f"registered ({case.get_direction_display()}, {case.get_channel_display()}, "
            f"{len(refs)} reference(s), {len(created)} subject(s))"
        ),
    )
    if duplicates:
        audit.record(
            country=country,
            actor=actor,
            action=AuditAction.COMBINATION,
            case=case,
            detail="registered although it may duplicate "
            + "; ".join(f"{m.case.number}: {', '.join(m.reasons)}" for m in duplicates),
        )
    _cross_check(actor=actor, case=case, subjects=created)
    return case


def _cross_check(*, actor, case, subjects):
    """Check new subjects against every subject the country holds; store the hits."""
    if not subjects:
        return []
    index = crosscheck.index_for_country(case.country_id)
    new_pks = {s.pk for s in subjects}
    proposed = {}
    for subject in subjects:
        surname, given = crosscheck.split_key(subject.name_key)
        for hit in index.search(
            kind=subject.kind,
            surname=surname,
            given=given,
            dob=subject.date_of_birth,
            identifier=subject.identifier_key,
        ):
            if hit.pk not in new_pks and hit.case_id != case.pk:
                proposed[(subject.pk, hit.pk)] = hit
    if not proposed:
        return []
    # The index may be stale: hits are re-read and re-scored from the database.
    matched = {
        s.pk: s
        for s in Subject.objects.filter(
            pk__in={pk for _, pk in proposed},
            case__country_id=case.country_id,
            case__erased_at__isnull=True,
        ).select_related("case")
    }
    by_pk = {s.pk: s for s in subjects}
    hits = []
    for (subject_pk, matched_pk), _hit in proposed.items():
        other = matched.get(matched_pk)
        if other is None:
            continue
        fresh = crosscheck.SubjectIndex()
        surname, given = crosscheck.split_key(other.name_key)
        fresh.add(
            crosscheck.Row(
                other.pk,
                other.case_id,
                other.kind,
                surname,
                given,
                other.date_of_birth,
                other.identifier_key,
            )
        )
        subject = by_pk[subject_pk]
        s_surname, s_given = crosscheck.split_key(subject.name_key)
        rescored = fresh.search(
            kind=subject.kind,
            surname=s_surname,
            given=s_given,
            dob=subject.date_of_birth,
            identifier=subject.identifier_key,
        )
        if not rescored:
            continue
        hits.append(
            CrossCheckHit(
                subject=subject,
                matched=other,
                score=rescored[0].score,
                fields=rescored[0].fields,
            )
        )
    CrossCheckHit.objects.bulk_create(hits, ignore_conflicts=True)
    if hits:
        audit.record(
            country=case.country,
            actor=actor,
            action=AuditAction.COMBINATION,
            case=case,
            detail="cross-check: "
            + "; ".join(
                f"subject #{h.subject.pk} ~ {h.matched.case.number} #{h.matched.pk} ({h.score})"
                for h in hits
            )[:480],
        )
    return hits


@transaction.atomic
def hit_decide(*, actor: User, hit: CrossCheckHit, decision: str) -> CrossCheckHit:
    """The officer confirms (the same subject) or dismisses (not the same) a cross-check hit."""
    if decision not in (CrossCheckHit.Decision.CONFIRMED, CrossCheckHit.Decision.DISMISSED):
        raise ValidationError("Confirm or dismiss the hit.")
    case = _locked(actor, hit.subject.case)
    hit = CrossCheckHit.objects.select_for_update().get(pk=hit.pk, subject__case=case)
    hit.decision = decision
    hit.decided_by = actor
    hit.decided_at = timezone.now()
    hit.save(update_fields=["decision", "decided_by", "decided_at"])
    audit.record(
        country=case.country,
        actor=actor,
        action=AuditAction.COMBINATION,
        case=case,
        detail=(
            f"cross-check hit subject #{hit.subject_id} ~ {hit.matched.case.number} "
            f"#{hit.matched_id}: {decision}"
        ),
    )
    return hit


# --- Reading ------------------------------------------------------------------------------


def needs_justification(actor: User, case: Case) -> bool:
    """Opening a case that is not assigned to you needs a reason (logged, Art. 25(1) LED)."""
    return case.assigned_to_id != actor.pk


@transaction.atomic
def case_consult(
    *, actor: User, case: Case, justification: str = "", what: str = "opened the case"
) -> AuditEntry:
    """Log that `actor` read the case (the caller has read it through the selector)."""
    justification = (justification or "").strip()[:JUSTIFICATION_MAX]
    if needs_justification(actor, case) and not justification:
        raise ValidationError("Say why you open a case that is not assigned to you.")
    return audit.record(
        country=case.country,
        actor=actor,
        action=AuditAction.CONSULTATION,
        case=case,
        detail=what,
        justification=justification,
    )


@transaction.atomic
def cases_consulted(*, actor: User, country: Country, detail: str) -> AuditEntry:
    """Log a read of several cases (a list, a search, an export) without one case."""
    return audit.record(
        country=country, actor=actor, action=AuditAction.CONSULTATION, detail=detail
    )


@transaction.atomic
def cases_disclosed(*, actor: User, country: Country, detail: str, recipients: str) -> AuditEntry:
    """Log an export of case data (a disclosure to whoever receives the file)."""
    return audit.record(
        country=country,
        actor=actor,
        action=AuditAction.DISCLOSURE,
        detail=detail,
        recipients=recipients,
    )


# --- Workflow -----------------------------------------------------------------------------


def _touch(case, fields, now):
    case.updated_at = now
    case.save(update_fields=[*fields, "updated_at"])


def _save_logged(
    case, *, actor, fields, now, detail, action=AuditAction.ALTERATION, **audit_fields
):
    """Save the changed `fields` of `case` (and its updated_at) and log the change on the
    country's audit chain, in the caller's transaction."""
    _touch(case, fields, now)
    audit.record(
        country=case.country, actor=actor, action=action, case=case, detail=detail, **audit_fields
    )


def _move(case, target):
    if target not in TRANSITIONS.get(case.status, set()):
        raise ValidationError(
            f"A case that is {case.get_status_display().lower()} cannot become "
            f"{Status(target).label.lower()}."
        )
    case.status = target


@transaction.atomic
def case_transition(*, actor: User, case: Case, to: str, note: str = "") -> Case:
    """Move a case along its workflow (checked, in progress, closed, archived). Answering,
    refusing and the waiting state have their own services."""
    case = _locked(actor, case)
    if to in (Status.ANSWERED, Status.REFUSED, Status.WAITING):
        raise ValidationError("Use the answer, refuse or pause forms for this step.")
    if case.status == Status.WAITING and to == Status.IN_PROGRESS:
        raise ValidationError("End the pause to resume the case.")
    before = case.get_status_display()
    _move(case, to)
    now = timezone.now()
    fields = ["status"]
    if to == Status.CLOSED:
        case.closed_at = now
        case.review_on = review_date(case, now)
        fields += ["closed_at", "review_on"]
    _save_logged(
        case,
        actor=actor,
        fields=fields,
        now=now,
        detail=f"status {before} -> {case.get_status_display()}" + (f": {note}" if note else ""),
    )
    return case


def approval_required(case: Case) -> bool:
    """Four eyes: does the head require an approved reply for this case's priority?"""
    from cases.models import CaseSettings

    if case.direction != Direction.INCOMING:
        return False
    rules = CaseSettings.objects.filter(country_id=case.country_id).first()
    if rules is None:
        return False
    return rules.approve_urgent if case.urgent else rules.approve_not_urgent


@transaction.atomic
def case_answer(
    *,
    actor: User,
    case: Case,
    text: str,
    recipients: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Record the reply (incoming: the information we provided; outgoing: what we got). When
    the head requires four eyes for the case's priority, the reply is kept as a draft until
    another officer or the head approves it (reply_approve)."""
    case = _locked(actor, case)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Write the reply, or what it contained."]})
    if Status.ANSWERED not in TRANSITIONS.get(case.status, set()):
        _move(case, Status.ANSWERED)  # raises the message
    now = now or timezone.now()
    if approval_required(case):
        CaseNote.objects.filter(case=case, kind=CaseNote.Kind.DRAFT).delete()
        CaseNote.objects.create(
            case=case, kind=CaseNote.Kind.DRAFT, text=text, author=actor, created_at=now
        )
        _save_logged(
            case,
            actor=actor,
            fields=[],
            now=now,
            detail="reply drafted, awaiting approval (four eyes)",
        )
        return case
    CaseNote.objects.create(
        case=case, kind=CaseNote.Kind.REPLY, text=text, author=actor, created_at=now
    )
    _answered(actor, case, now, recipients)
    return case


def _answered(actor, case, now, recipients=""):
    _move(case, Status.ANSWERED)
    case.answered_at = now
    _touch(case, ["status", "answered_at"], now)
    if case.direction == Direction.INCOMING:
        recipients = recipients or f"SPOC of {case.counterpart_label}"
        audit.record(
            country=case.country,
            actor=actor,
            action=AuditAction.DISCLOSURE,
            case=case,
            detail="reply sent",
            recipients=recipients,
        )
    else:
        audit.record(
            country=case.country,
            actor=actor,
            action=AuditAction.COLLECTION,
            case=case,
            detail=f"reply received from {case.counterpart_label}",
        )


@transaction.atomic
def reply_approve(*, actor: User, case: Case, now: datetime.datetime | None = None) -> Case:
    """A second person approves the drafted reply: it goes out and the case is answered."""
    case = _locked(actor, case)
    draft = CaseNote.objects.select_for_update().filter(case=case, kind=CaseNote.Kind.DRAFT).first()
    if draft is None:
        raise ValidationError("There is no reply awaiting approval.")
    if draft.author_id == actor.pk:
        raise ValidationError("Another officer or the head must approve your reply.")
    now = now or timezone.now()
    draft.kind = CaseNote.Kind.REPLY
    draft.approved_by = actor
    draft.approved_at = now
    draft.save(update_fields=["kind", "approved_by", "approved_at"])
    _answered(actor, case, now)
    return case


@transaction.atomic
def case_settings_update(
    *, actor: User, approve_urgent: bool, approve_not_urgent: bool
) -> CaseSettings:
    from cases.models import CaseSettings

    if not permissions.is_head(actor):
        raise PermissionDenied("The Head of SPOC sets the case rules.")
    country = permissions.case_country(actor)
    rules, _ = CaseSettings.objects.select_for_update().get_or_create(country=country)
    rules.approve_urgent = bool(approve_urgent)
    rules.approve_not_urgent = bool(approve_not_urgent)
    rules.updated_by = actor
    rules.updated_at = timezone.now()
    rules.save()
    audit.record(
        country=country,
        actor=actor,
        action=AuditAction.ALTERATION,
        detail=f"four eyes: urgent {'on' if rules.approve_urgent else 'off'}, other "
        f"{'on' if rules.approve_not_urgent else 'off'}",
    )
    return rules


@transaction.atomic
def case_refuse(
    *,
    actor: User,
    case: Case,
    grounds: Iterable[str],
    reason: str,
    now: datetime.datetime | None = None,
) -> Case:
    """Refuse a request on one or more Art. 6(1) grounds, with the reasons (Art. 6(2))."""
    case = _locked(actor, case)
    grounds = list(dict.fromkeys(grounds or []))
    errors = {}
    if not grounds:
        errors["grounds"] = ["A refusal needs at least one Art. 6(1) ground."]
    elif any(g not in RefusalGround.values for g in grounds):
        errors["grounds"] = ["Unknown refusal ground: only Art. 6(1)(a)-(h)."]
    if not (reason or "").strip():
        errors["reason"] = ["Give the reasons for the refusal (Art. 6(2))."]
    if errors:
        raise ValidationError(errors)
    if case.direction != Direction.INCOMING:
        raise ValidationError("Only a request we received can be refused.")
    _move(case, Status.REFUSED)
    now = now or timezone.now()
    open_pause = DeadlinePause.objects.filter(case=case, ended_at__isnull=True).first()
    if open_pause is not None:
        open_pause.ended_at = max(now, open_pause.started_at)
        open_pause.outcome = (
            PauseOutcome.REFUSED
            if open_pause.kind == PauseKind.JUDICIAL
            else PauseOutcome.CLARIFIED
        )
        open_pause.save(update_fields=["ended_at", "outcome"])
        _recompute_due(case)
    case.refusal_grounds = sorted(grounds)
    case.refusal_reason = reason.strip()
    case.refused_at = now
    _save_logged(
        case,
        actor=actor,
        fields=["status", "refusal_grounds", "refusal_reason", "refused_at", "due_at"],
        now=now,
        action=AuditAction.DISCLOSURE,
        detail="refused on Art. 6(1)(" + "), (".join(case.refusal_grounds) + ")",
        recipients=f"SPOC of {case.counterpart_label}",
    )
    return case


@transaction.atomic
def case_assign(*, actor: User, case: Case, assignee: User | None) -> Case:
    case = _locked(actor, case)
    if assignee is not None and permissions.case_country(assignee) != case.country:
        raise ValidationError("Assign the case to an officer or head of your SPOC.")
    case.assigned_to = assignee
    _save_logged(
        case,
        actor=actor,
        fields=["assigned_to"],
        now=timezone.now(),
        detail=f"assigned to {assignee}" if assignee else "unassigned",
    )
    return case


@transaction.atomic
def case_note_add(*, actor: User, case: Case, text: str) -> CaseNote:
    case = _locked(actor, case)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["The note is empty."]})
    now = timezone.now()
    note = CaseNote.objects.create(case=case, text=text[:10_000], author=actor, created_at=now)
    _save_logged(
        case,
        actor=actor,
        fields=[],
        now=now,
        detail="note added",
    )
    return note


@transaction.atomic
def case_link(*, actor: User, case: Case, other_number: str) -> Case:
    case = _locked(actor, case)
    canonical = numbers.canonical(other_number)
    other = (
        Case.objects.filter(number=canonical, country=case.country).first() if canonical else None
    )
    if other is None:
        raise ValidationError({"number": ["No case of your SPOC has this registration number."]})
    if other.pk == case.pk:
        raise ValidationError({"number": ["A case cannot be linked to itself."]})
    low, high = sorted((case, other), key=lambda c: c.pk)
    CaseLink.objects.get_or_create(
        from_case=low, to_case=high, defaults={"created_at": timezone.now()}
    )
    audit.record(
        country=case.country,
        actor=actor,
        action=AuditAction.COMBINATION,
        case=case,
        detail=f"linked to {other.number}",
    )
    return other


# --- Deadlines: pauses ----------------------------------------------------------------------


def _recompute_due(case):
    limit = deadlines.limit_for(urgent=case.urgent, information_access=case.information_access)
    pauses = DeadlinePause.objects.filter(case=case).values_list("started_at", "ended_at")
    case.due_at, _ = deadlines.deadline(case.received_at, limit, case.country.code, pauses)


def _aware(value, case, field):
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError({field: ["Give a date and time."]}) from exc
    if timezone.is_naive(value):
        value = value.replace(tzinfo=deadlines.zone_for(case.country.code))
    return value


@transaction.atomic
def pause_start(
    *,
    actor: User,
    case: Case,
    kind: str,
    started_at: datetime.datetime | str | None = None,
    reason: str = "",
    requester_informed_on: datetime.datetime | str | None = None,
    expected_delay: str = "",
    now: datetime.datetime | None = None,
) -> DeadlinePause:
    """The clock stops: a judicial authorisation is asked for (Art. 5(2); the requester must
    be told of the delay and why) or the requester is asked to clarify (Art. 6(3))."""
    case = _locked(actor, case)
    now = now or timezone.now()
    _choice(kind, PauseKind, "kind")
    started_at = _aware(started_at, case, "started_at") or now
    informed = _aware(requester_informed_on, case, "requester_informed_on")
    errors = {}
    if started_at > now + FUTURE_TOLERANCE:
        errors["started_at"] = ["The pause cannot start in the future."]
    if started_at < case.received_at:
        errors["started_at"] = ["The pause cannot start before the request was received."]
    if informed and informed > now + FUTURE_TOLERANCE:
        errors["requester_informed_on"] = ["This date is in the future."]
    if kind == PauseKind.JUDICIAL and not (reason or "").strip():
        errors["reason"] = ["Say why a judicial authorisation is needed (Art. 5(2)(a))."]
    if case.direction != Direction.INCOMING:
        errors["kind"] = ["Only the deadline of a request we received can be paused."]
    if errors:
        raise ValidationError(errors)
    _move(case, Status.WAITING)
    pause = DeadlinePause.objects.create(
        case=case,
        kind=kind,
        started_at=started_at,
        reason=(reason or "").strip(),
        requester_informed_on=informed,
        expected_delay=(expected_delay or "").strip()[:80],
        created_by=actor,
    )
    _save_logged(
        case,
        actor=actor,
        fields=["status"],
        now=now,
        detail=f"clock paused: {pause.get_kind_display()}",
    )
    return pause


@transaction.atomic
def pause_end(
    *,
    actor: User,
    case: Case,
    outcome: str,
    ended_at: datetime.datetime | str | None = None,
    requester_informed_on: datetime.datetime | str | None = None,
    now: datetime.datetime | None = None,
) -> DeadlinePause:
    """The authorisation was granted or refused, or the clarification came: the clock runs
    again (a refused authorisation then usually leads to a refusal, Art. 6(1)(c))."""
    case = _locked(actor, case)
    now = now or timezone.now()
    pause = (
        DeadlinePause.objects.select_for_update().filter(case=case, ended_at__isnull=True).first()
    )
    if pause is None:
        raise ValidationError("The clock of this case is not paused.")
    _choice(outcome, PauseOutcome, "outcome")
    allowed = (
        {PauseOutcome.GRANTED, PauseOutcome.REFUSED}
        if pause.kind == PauseKind.JUDICIAL
        else {PauseOutcome.CLARIFIED}
    )
    if outcome not in allowed:
        raise ValidationError({"outcome": ["This outcome does not fit the pause."]})
    ended_at = _aware(ended_at, case, "ended_at") or now
    if ended_at < pause.started_at:
        raise ValidationError({"ended_at": ["The pause cannot end before it started."]})
    if ended_at > now + FUTURE_TOLERANCE:
        raise ValidationError({"ended_at": ["The pause cannot end in the future."]})
    informed = _aware(requester_informed_on, case, "requester_informed_on")
    pause.ended_at = ended_at
    pause.outcome = outcome
    fields = ["ended_at", "outcome"]
    if informed:
        pause.requester_informed_on = informed
        fields.append("requester_informed_on")
    pause.save(update_fields=fields)
    case.status = Status.IN_PROGRESS
    _recompute_due(case)
    _save_logged(
        case,
        actor=actor,
        fields=["status", "due_at"],
        now=now,
        detail=f"clock runs again: {pause.get_outcome_display()}",
    )
    return pause


# --- Retention (Art. 16(3)-(4)) -------------------------------------------------------------

DEFAULT_REVIEW_MONTHS = 6  # Art. 16(4): first review at the latest six months after the end


def _add_months(day, months):
    import calendar

    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def review_date(case: Case, closed_at: datetime.datetime) -> datetime.date:
    """When a closed case must be reviewed: CASES_REVIEW_MONTHS by category (the direction,
    or "refused"), at most six months after the exchange ended by default."""
    from django.conf import settings

    months = getattr(settings, "CASES_REVIEW_MONTHS", {})
    category = "refused" if case.status == Status.REFUSED or case.refused_at else case.direction
    count = int(months.get(category, months.get("default", DEFAULT_REVIEW_MONTHS)))
    local = timezone.localtime(closed_at, deadlines.zone_for(case.country.code)).date()
    return _add_months(local, count)


@transaction.atomic
def case_review_extend(*, actor: User, case: Case, months: int, reason: str) -> Case:
    """Keep a case past its review date, for a stated reason (logged)."""
    case = _locked(actor, case)
    if case.erased_at is not None:
        raise ValidationError("The personal data of this case were erased.")
    if case.status not in (Status.CLOSED, Status.ARCHIVED):
        raise ValidationError("Only closed cases are reviewed.")
    if not isinstance(months, int) or not 1 <= months <= 24:
        raise ValidationError({"months": ["Extend by 1 to 24 months."]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the data are still needed."]})
    today = timezone.localdate(timezone=deadlines.zone_for(case.country.code))
    case.review_on = _add_months(max(case.review_on or today, today), months)
    _save_logged(
        case,
        actor=actor,
        fields=["review_on"],
        now=timezone.now(),
        detail=f"retention extended to {case.review_on:%Y-%m-%d}",
        justification=reason[:300],
    )
    return case


@transaction.atomic
def case_erase(*, actor: User, case: Case, reason: str) -> Case:
    """Erase the personal data of a closed case (Art. 16(3)): subjects, hits, references,
    texts. The case row keeps what the statistics need (number, dates, direction, counterpart,
    channel, grounds); the audit entries stay, and the erasure is logged."""
    case = _locked(actor, case)
    if not permissions.is_head(actor):
        raise PermissionDenied("The Head of SPOC erases case data.")
    if case.erased_at is not None:
        raise ValidationError("The personal data of this case were already erased.")
    if case.status not in (Status.CLOSED, Status.ARCHIVED):
        raise ValidationError("Close the case before erasing its data.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the data are erased."]})
    subjects = Subject.objects.filter(case=case)
    counts = (subjects.count(), ExternalReference.objects.filter(case=case).count())
    CrossCheckHit.objects.filter(matched__case=case).delete()
    subjects.delete()
    ExternalReference.objects.filter(case=case).delete()
    CaseNote.objects.filter(case=case).update(text="[erased]")
    from cases.models import CaseDocument

    documents = list(CaseDocument.objects.filter(case=case))
    for document in documents:
        transaction.on_commit(lambda f=document.file: f.delete(save=False))
    CaseDocument.objects.filter(case=case).delete()
    DeadlinePause.objects.filter(case=case).update(reason="", expected_delay="")
    now = timezone.now()
    case.summary = "[erased]"
    case.description = ""
    case.refusal_reason = ""
    case.erased_at = now
    _save_logged(
        case,
        actor=actor,
        fields=["summary", "description", "refusal_reason", "erased_at"],
        now=now,
        action=AuditAction.ERASURE,
        detail=f"personal data erased ({counts[0]} subject(s), {counts[1]} reference(s))",
        justification=reason[:300],
    )
    return case


# --- The case folder: documents -------------------------------------------------------------

DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "txt": "text/plain",
}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


def _max_upload_bytes():
    from django.conf import settings

    return int(getattr(settings, "CASES_MAX_UPLOAD_MB", 10)) * 1024 * 1024


def _check_document(upload):
    from knowledge.extraction import check_content

    name = (getattr(upload, "name", "") or "").rsplit("/", 1)[-1][:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            {"file": ["Only PDF, Word (DOCX), PNG, JPEG and plain-text files can be added."]}
        )
    if upload.size > _max_upload_bytes():
        raise ValidationError(
            {"file": [f"The file is larger than {_max_upload_bytes() // (1024 * 1024)} MB."]}
        )
    if upload.size == 0:
        raise ValidationError({"file": ["The file is empty."]})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    problem = None
    if extension in ("pdf", "docx"):
        problem = check_content(name, upload)
    elif extension == "png" and head != PNG_MAGIC:
        problem = "This file is named .png but is not a PNG image."
    elif extension in ("jpg", "jpeg") and not head.startswith(JPEG_MAGIC):
        problem = "This file is named .jpg but is not a JPEG image."
    elif extension == "txt":
        try:
            upload.read().decode("utf-8")
        except UnicodeDecodeError:
            problem = "This file is named .txt but is not UTF-8 text."
    upload.seek(0)
    if problem:
        raise ValidationError({"file": [problem]})
    return name, DOCUMENT_TYPES[extension]


@transaction.atomic
def case_document_add(*, actor: User, case: Case, upload: UploadedFile) -> CaseDocument:
    """Add a file to the case's folder (type checked by content, size limited)."""
    from cases.models import CaseDocument

    case = _locked(actor, case)
    if case.erased_at is not None:
        raise ValidationError("The personal data of this case were erased.")
    name, content_type = _check_document(upload)
    now = timezone.now()
    document = CaseDocument(
        case=case,
        name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=actor,
        uploaded_at=now,
    )
    document.file.save(name, upload, save=False)
    # A rolled-back transaction leaves no orphan file behind.
    try:
        document.save()
        audit.record(
            country=case.country,
            actor=actor,
            action=AuditAction.COLLECTION,
            case=case,
            detail=f"document #{document.pk} added ({content_type})",
        )
    except Exception:
        document.file.delete(save=False)
        raise
    _touch(case, [], now)
    return document
