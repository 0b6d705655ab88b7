"""The case audit log (Directive 2016/680 Art. 25; Directive 2023/977 Art. 16(1)(h)).

`record()` appends one entry inside the caller's transaction: the country's chain head is
locked, the entry gets the next sequence number and a SHA-256 hash over its own fields and the
previous entry's hash. Editing, deleting or inserting a row anywhere in the chain breaks every
later hash; `verify()` (and `manage.py verify_audit_log`) recomputes it."""

import datetime
import hashlib
import json

from django.db import transaction
from django.utils import timezone

from cases.models import AuditAction, AuditChainHead, AuditEntry

__all__ = ["AuditAction", "entry_hash", "record", "verify"]


def _payload(entry):
    return json.dumps(
        {
            "country": entry.country_id,
            "sequence": entry.sequence,
            "at": entry.at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
            "actor": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "case": entry.case_id,
            "case_number": entry.case_number,
            "detail": entry.detail,
            "justification": entry.justification,
            "recipients": entry.recipients,
        },
        sort_keys=True,
        ensure_ascii=False,
    )


def entry_hash(entry):
    return hashlib.sha256((entry.prev_hash + "\n" + _payload(entry)).encode()).hexdigest()


def _label(actor):
    if actor is None:
        return "system"
    return f"{actor.get_full_name() or actor.email} <{actor.email}> (#{actor.pk})"[:200]


def record(*, country, actor, action, detail, case=None, justification="", recipients=""):
    """Append an entry to `country`'s chain. Must run inside the transaction of the operation
    it logs, so the log and the data commit (or roll back) together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must run inside the operation's transaction")
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}")
    head, _ = AuditChainHead.objects.get_or_create(country=country)
    head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
    entry = AuditEntry(
        country=country,
        sequence=head.last_sequence + 1,
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=_label(actor),
        action=action,
        case=case,
        case_number=case.number if case is not None else "",
        detail=detail[:500],
        justification=(justification or "")[:300],
        recipients=(recipients or "")[:300],
        prev_hash=head.last_hash,
    )
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    AuditChainHead.objects.filter(pk=head.pk).update(
        last_sequence=entry.sequence, last_hash=entry.hash
    )
    return entry


def verify(country):
    """The problems found in `country`'s chain (empty when it is intact): an entry whose hash
    does not match its content, a link to the wrong previous hash, a gap in the sequence, or
    a chain that ends before its recorded head (entries removed from the end)."""
    problems = []
    prev_hash, expected = "", 1
    entries = AuditEntry.objects.filter(country=country).order_by("sequence").iterator()
    for entry in entries:
        if entry.sequence != expected:
            problems.append(f"#{expected}: missing (next entry is #{entry.sequence})")
        if entry.prev_hash != prev_hash:
            problems.append(f"#{entry.sequence}: does not follow the entry before it")
        if entry_hash(entry) != entry.hash:
            problems.append(f"#{entry.sequence}: its content was changed after it was written")
        prev_hash, expected = entry.hash, entry.sequence + 1
    head = AuditChainHead.objects.filter(country=country).first()
    if head is not None and (head.last_sequence != expected - 1 or head.last_hash != prev_hash):
        problems.append(
            f"the chain ends at #{expected - 1} but #{head.last_sequence} was written last"
        )
    return problems
