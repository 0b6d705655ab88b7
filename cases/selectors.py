"""Reads of the case register, already scoped to what the user may see.

`cases_visible_to(user)` is THE rule: every view, export, statistic, API endpoint and admin
listing starts from it (or from a queryset filtered on its ids). A case outside it does not
exist for the user (404)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.utils import timezone

from cases import numbers, permissions
from cases.choices import OPEN_STATUSES, Status
from cases.models import AuditEntry, Case, CaseNote, CrossCheckHit, DeadlinePause, Subject

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from portal.models import User


def cases_visible_to(user: User | AnonymousUser) -> QuerySet[Case]:
    """The cases `user` may see: their own country's (heads and officers of its SPOC), every
    country's for an administrator when CASES_ADMIN_ACCESS is on, none for anyone else."""
    qs = Case.objects.select_related("country", "counterpart_country", "assigned_to")
    if permissions.admin_reads_all(user):
        return qs
    country = permissions.case_country(user)
    if country is None:
        return qs.none()
    return qs.filter(country=country)


def case_for(user: User | AnonymousUser, pk: int | str | None) -> Case | None:
    """One visible case, or None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return cases_visible_to(user).filter(pk=pk).first()


def case_by_number(user: User | AnonymousUser, text: str) -> tuple[Case | None, list[Case]]:
    """(case or None, suggestions): the visible case with this registration number. A number
    whose check digit fails is never looked up as typed; the visible cases one slip away are
    suggested instead."""
    canonical = numbers.canonical(text)
    visible = cases_visible_to(user)
    if canonical:
        return visible.filter(number=canonical).first(), []
    candidates = numbers.typo_candidates(text)
    if not candidates:
        return None, []
    return None, list(visible.filter(number__in=candidates).order_by("number"))


def cases_list(
    user: User | AnonymousUser,
    *,
    query: str = "",
    status: str = "",
    direction: str = "",
    overdue: bool = False,
    now: datetime.datetime | None = None,
) -> QuerySet[Case]:
    now = now or timezone.now()
    qs = cases_visible_to(user)
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if direction:
        qs = qs.filter(direction=direction)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES - {Status.WAITING}, due_at__lt=now)
    # NUL cannot be in a PostgreSQL string literal; it is never part of a real search.
    query = (query or "").replace("\x00", " ").strip()[:100]
    if query:
        from cases import normalise

        folded = normalise.name(query)
        ref = normalise.reference(query)
        match = Q(summary__icontains=query) | Q(number__icontains=query)
        if ref:
            match |= Q(references__normalised__contains=ref)
            match |= Q(subjects__identifier_key__contains=ref)
        if folded:
            match |= Q(subjects__name_key__contains=folded)
        qs = qs.filter(match).distinct()
    return qs


def case_detail(case: Case) -> dict[str, list[Any]]:
    """What the detail page shows of a case already read through the selector."""
    return {
        "references": list(case.references.all()),
        "subjects": list(case.subjects.prefetch_related("hits__matched__case")),
        "pauses": list(case.pauses.all()),
        "notes": list(case.notes.select_related("author")),
        "documents": list(case.documents.select_related("uploaded_by")),
        "links": list(
            Case.objects.filter(Q(links_in__from_case=case) | Q(links_out__to_case=case)).filter(
                country_id=case.country_id
            )
        ),
    }


def open_pause(case: Case) -> DeadlinePause | None:
    return case.pauses.filter(ended_at__isnull=True).first()


def pauses_of(case: Case) -> list[tuple[datetime.datetime, datetime.datetime | None]]:
    return list(DeadlinePause.objects.filter(case=case).values_list("started_at", "ended_at"))


def deadline_watch(
    user: User | AnonymousUser, *, now: datetime.datetime | None = None, limit: int = 10
) -> list[Case]:
    """Open cases of the user's scope that are overdue or due within a day, soonest first."""
    from cases import deadlines

    now = now or timezone.now()
    horizon = now + deadlines.SOON
    return list(
        cases_visible_to(user)
        .filter(status__in=OPEN_STATUSES - {Status.WAITING}, due_at__lt=horizon)
        .order_by("due_at")[:limit]
    )


def hits_for_case(case: Case) -> list[CrossCheckHit]:
    return list(
        CrossCheckHit.objects.filter(subject__case=case)
        .select_related("subject", "matched__case", "decided_by")
        .order_by("decision", "-score")
    )


def subjects_of_country(country_id: int, *, exclude_case: Case | None = None) -> QuerySet[Subject]:
    qs = Subject.objects.filter(case__country_id=country_id, case__erased_at__isnull=True)
    if exclude_case is not None:
        qs = qs.exclude(case=exclude_case)
    return qs


def audit_entries_visible_to(user: User | AnonymousUser) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("country")
    if permissions.admin_reads_all(user):
        return qs
    country = permissions.audit_country(user)
    if country is None:
        return qs.none()
    return qs.filter(country=country)


def audit_entries(
    user: User | AnonymousUser,
    *,
    case_number: str = "",
    action: str = "",
    actor: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    qs = audit_entries_visible_to(user)
    if case_number:
        qs = qs.filter(case_number__icontains=case_number.strip()[:20])
    if action:
        qs = qs.filter(action=action)
    if actor:
        qs = qs.filter(actor_label__icontains=actor.strip()[:100])
    if since:
        qs = qs.filter(at__gte=datetime.datetime.combine(since, datetime.time.min, datetime.UTC))
    if until:
        end = datetime.datetime.combine(until, datetime.time.min, datetime.UTC)
        qs = qs.filter(at__lt=end + datetime.timedelta(days=1))
    return qs.order_by("-sequence")


def notes_count(case: Case) -> int:
    return CaseNote.objects.filter(case=case).count()


def status_counts(user: User | AnonymousUser) -> dict[str, int]:
    return dict(
        cases_visible_to(user)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def cases_due_for_review(
    user: User | AnonymousUser, *, today: datetime.date | None = None
) -> QuerySet[Case]:
    """Closed cases whose review date has come and whose data are still held."""
    today = today or timezone.localdate()
    return (
        cases_visible_to(user)
        .filter(status__in=[Status.CLOSED, Status.ARCHIVED], erased_at__isnull=True)
        .filter(review_on__lte=today)
        .order_by("review_on", "pk")
    )
