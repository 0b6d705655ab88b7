"""Pages of the case register (/cases/). Thin: the selector decides what exists for the user
(anything else is 404, never 403), the services decide what may change; every read of a
case is logged (cases.services.case_consult)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import deadlines, forms, permissions, selectors, services
from cases.choices import Direction, Status
from cases.models import CrossCheckHit
from portal.models import User

PAGE_SIZE = 50
SESSION_KEY = "cases_justified"


def _scope_or_404(user):
    if not permissions.can_use_cases(user):
        raise Http404("No such page")


def _case_or_404(user, case_id):
    case = selectors.case_for(user, case_id)
    if case is None:
        raise Http404("No such case")
    return case


def _writable_or_404(user, case_id):
    """A case the user may change: visible and of their own SPOC (an administrator reading
    under CASES_ADMIN_ACCESS changes nothing)."""
    case = _case_or_404(user, case_id)
    if not permissions.can_write_cases(user):
        raise Http404("No such case")
    return case


def _zone(request, case=None):
    code = (
        case.country.code if case else getattr(permissions.case_country(request.user), "code", "")
    )
    return deadlines.zone_for(code)


def _standing(case, now):
    paused_since = None
    if case.status == Status.WAITING:
        paused_since = getattr(case, "_open_pause_start", None)
        if paused_since is None:
            pause = selectors.open_pause(case)
            paused_since = pause.started_at if pause else None
    return deadlines.standing(
        case.due_at, now=now, paused_since=paused_since, urgent=case.short_limit
    )


def _annotate(cases, now):
    for case in cases:
        if case.is_open:
            case.standing = _standing(case, now)
            case.standing_text = deadlines.humanise(case.standing.remaining)
        else:
            case.standing = None
    return cases


def _apply_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


@require_GET
def case_list(request):
    _scope_or_404(request.user)
    now = timezone.now()
    params = {
        "query": request.GET.get("q", ""),
        "status": request.GET.get("status", "open"),
        "direction": request.GET.get("direction", ""),
        "overdue": request.GET.get("overdue") == "1",
    }
    if params["direction"] not in ("", *Direction.values):
        params["direction"] = ""
    qs = selectors.cases_list(request.user, now=now, **params).prefetch_related("pauses")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    cases = list(page.object_list)
    for case in cases:
        open_pauses = [p for p in case.pauses.all() if p.ended_at is None]
        case._open_pause_start = open_pauses[0].started_at if open_pauses else None
    _annotate(cases, now)
    country = permissions.case_country(request.user)
    if country is not None and (params["query"] or cases):
        services.cases_consulted(
            actor=request.user,
            country=country,
            detail=f"list of {len(cases)} case(s)"
            + (f", search {params['query'][:80]!r}" if params["query"] else ""),
        )
    return TemplateResponse(
        request,
        "cases/case_list.html",
        {
            "cases": cases,
            "page": page,
            "params": params,
            "statuses": Status.choices,
            "directions": Direction.choices,
            "zone": _zone(request),
            "can_write": permissions.can_write_cases(request.user),
            "is_head": permissions.is_head(request.user),
            "lookup_form": forms.LookupForm(),
        },
    )


@require_GET
def case_lookup(request):
    """Open a case by its registration number; a typo the check digit rejects is answered
    with the visible cases one slip away."""
    _scope_or_404(request.user)
    text = request.GET.get("number", "")[:40]
    case, suggestions = selectors.case_by_number(request.user, text)
    if case is not None:
        return redirect("cases:case_detail", case_id=case.pk)
    return TemplateResponse(
        request,
        "cases/case_lookup.html",
        {
            "number": text,
            "suggestions": suggestions,
            "valid": bool(selectors.numbers.canonical(text)),
        },
        status=404,
    )


@require_http_methods(["GET", "POST"])
def case_create(request):
    if not permissions.can_write_cases(request.user):
        raise Http404("No such page")
    country = permissions.case_country(request.user)
    form = forms.CaseForm(request.POST or None, country_code=country.code)
    subjects = forms.SubjectFormSet(request.POST or None, prefix="subjects")
    duplicates = []
    if request.method == "POST" and form.is_valid() and subjects.is_valid():
        subject_data = [
            {**s.cleaned_data, "date_of_birth": s.cleaned_data.get("date_of_birth")}
            for s in subjects
            if s.has_content()
        ]
        for data in subject_data:
            data["kind"] = data["kind"] or "person"
        try:
            case = services.case_register(
                actor=request.user,
                data=form.service_data(),
                references=form.references(),
                subjects=subject_data,
                confirm_duplicate=request.POST.get("confirm_duplicate") == "1",
            )
        except services.DuplicateSuspected as exc:
            duplicates = exc.matches
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Registered as {case.number}.")
            request.session.setdefault(SESSION_KEY, {})[str(case.pk)] = "registered it"
            request.session.modified = True
            return redirect("cases:case_detail", case_id=case.pk)
    return TemplateResponse(
        request,
        "cases/case_form.html",
        {"form": form, "subjects": subjects, "duplicates": duplicates, "zone": _zone(request)},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def case_detail(request, case_id):
    case = _case_or_404(request.user, case_id)
    justified = request.session.get(SESSION_KEY, {}).get(str(case.pk), "")
    if services.needs_justification(request.user, case) and not justified:
        form = forms.JustificationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            justified = form.cleaned_data["justification"]
            request.session.setdefault(SESSION_KEY, {})[str(case.pk)] = justified
            request.session.modified = True
            services.case_consult(actor=request.user, case=case, justification=justified)
            return redirect("cases:case_detail", case_id=case.pk)
        return TemplateResponse(
            request,
            "cases/case_justify.html",
            {"case": case, "form": form},
            status=400 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        return redirect("cases:case_detail", case_id=case.pk)
    services.case_consult(actor=request.user, case=case, justification=justified)
    now = timezone.now()
    _annotate([case], now)
    detail = selectors.case_detail(case)
    can_write = permissions.can_write_cases(request.user)
    people = (
        User.objects.filter(
            is_active=True,
            organisation__country=case.country,
            groups__portal_role__role__in=permissions.CASE_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name")
        if can_write
        else []
    )
    zone_code = case.country.code
    pause = next((p for p in detail["pauses"] if p.ended_at is None), None)
    return TemplateResponse(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            **detail,
            "hits": selectors.hits_for_case(case),
            "open_pause": pause,
            "zone": _zone(request, case),
            "limit": deadlines.limit_for(
                urgent=case.urgent, information_access=case.information_access
            ),
            "can_write": can_write,
            "next_statuses": [
                s
                for s in services.TRANSITIONS.get(case.status, ())
                if s not in (Status.ANSWERED, Status.REFUSED, Status.WAITING)
            ],
            "transition_form": forms.TransitionForm(),
            "answer_form": forms.AnswerForm(),
            "refuse_form": forms.RefuseForm(),
            "pause_form": forms.PauseStartForm(country_code=zone_code),
            "pause_end_form": forms.PauseEndForm(country_code=zone_code),
            "assign_form": forms.AssignForm(
                people=people, initial={"assignee": case.assigned_to_id or ""}
            ),
            "note_form": forms.NoteForm(),
            "link_form": forms.LinkForm(),
            "statuses": Status,
            "max_upload_mb": services._max_upload_bytes() // (1024 * 1024),
            "draft": next((n for n in detail["notes"] if n.kind == "draft"), None),
            "needs_approval": can_write and services.approval_required(case),
            "is_head": permissions.is_head(request.user),
        },
    )


def _action(request, case_id, form_class, run, *, success, zoned=False):
    case = _writable_or_404(request.user, case_id)
    kwargs = {"country_code": case.country.code} if zoned else {}
    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("cases:case_detail", case_id=case.pk)
    try:
        run(case, form.cleaned_data)
    except PermissionDenied as exc:
        raise Http404("No such case") from exc
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect("cases:case_detail", case_id=case.pk)


@require_POST
def case_transition(request, case_id):
    return _action(
        request,
        case_id,
        forms.TransitionForm,
        lambda case, d: services.case_transition(
            actor=request.user, case=case, to=d["to"], note=d["note"]
        ),
        success="Status changed.",
    )


@require_POST
def case_answer(request, case_id):
    return _action(
        request,
        case_id,
        forms.AnswerForm,
        lambda case, d: services.case_answer(actor=request.user, case=case, text=d["text"]),
        success="The reply is recorded (if your SPOC requires it, once approved).",
    )


@require_POST
def case_refuse(request, case_id):
    return _action(
        request,
        case_id,
        forms.RefuseForm,
        lambda case, d: services.case_refuse(
            actor=request.user, case=case, grounds=d["grounds"], reason=d["reason"]
        ),
        success="The refusal is recorded.",
    )


@require_POST
def pause_start(request, case_id):
    return _action(
        request,
        case_id,
        forms.PauseStartForm,
        lambda case, d: services.pause_start(actor=request.user, case=case, **d),
        success="The clock is paused.",
        zoned=True,
    )


@require_POST
def pause_end(request, case_id):
    return _action(
        request,
        case_id,
        forms.PauseEndForm,
        lambda case, d: services.pause_end(actor=request.user, case=case, **d),
        success="The clock runs again.",
        zoned=True,
    )


@require_POST
def case_assign(request, case_id):
    case = _writable_or_404(request.user, case_id)
    raw = request.POST.get("assignee", "")
    assignee = None
    if raw:
        assignee = User.objects.filter(pk=raw if raw.isdigit() else 0).first()
        if assignee is None:
            messages.error(request, "Unknown person.")
            return redirect("cases:case_detail", case_id=case.pk)
    try:
        services.case_assign(actor=request.user, case=case, assignee=assignee)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, "Assignment saved.")
    return redirect("cases:case_detail", case_id=case.pk)


@require_POST
def case_note(request, case_id):
    return _action(
        request,
        case_id,
        forms.NoteForm,
        lambda case, d: services.case_note_add(actor=request.user, case=case, text=d["text"]),
        success="Note added.",
    )


@require_POST
def case_link(request, case_id):
    return _action(
        request,
        case_id,
        forms.LinkForm,
        lambda case, d: services.case_link(actor=request.user, case=case, other_number=d["number"]),
        success="Cases linked.",
    )


@require_POST
def hit_decide(request, case_id, hit_id):
    case = _writable_or_404(request.user, case_id)
    hit = (
        CrossCheckHit.objects.filter(pk=hit_id, subject__case=case)
        .select_related("subject__case", "matched__case")
        .first()
    )
    if hit is None:
        raise Http404("No such hit")
    try:
        services.hit_decide(actor=request.user, hit=hit, decision=request.POST.get("decision"))
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, "Decision recorded.")
    return redirect(reverse("cases:case_detail", args=[case.pk]) + "#cross-check")


@require_GET
def review_list(request):
    """Closed cases past their review date: extend (with a reason) or erase (the head)."""
    if not permissions.can_write_cases(request.user):
        raise Http404("No such page")
    cases = list(selectors.cases_due_for_review(request.user)[:200])
    return TemplateResponse(
        request,
        "cases/review_list.html",
        {
            "cases": cases,
            "can_write": True,
            "is_head": permissions.is_head(request.user),
            "zone": _zone(request),
        },
    )


def _review_action(request, case_id, run, success):
    case = _writable_or_404(request.user, case_id)
    try:
        run(case)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "You may not do this.")
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, success.format(number=case.number))
    return redirect("cases:review_list")


@require_POST
def review_extend(request, case_id):
    try:
        months = int(request.POST.get("months", ""))
    except ValueError:
        months = 0
    return _review_action(
        request,
        case_id,
        lambda case: services.case_review_extend(
            actor=request.user, case=case, months=months, reason=request.POST.get("reason", "")
        ),
        "The data of {number} are kept longer.",
    )


@require_POST
def case_erase(request, case_id):
    return _review_action(
        request,
        case_id,
        lambda case: services.case_erase(
            actor=request.user, case=case, reason=request.POST.get("reason", "")
        ),
        "The personal data of {number} are erased.",
    )


@require_POST
def document_upload(request, case_id):
    case = _writable_or_404(request.user, case_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a file to add.")
        return redirect("cases:case_detail", case_id=case.pk)
    try:
        services.case_document_add(actor=request.user, case=case, upload=upload)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, f"{upload.name[:200]} added to the folder.")
    return redirect(reverse("cases:case_detail", args=[case.pk]) + "#h-documents")


@require_GET
def document_download(request, case_id, document_id):
    """A file of the folder, for whoever may open the case (logged like opening it)."""
    from django.http import FileResponse

    case = _case_or_404(request.user, case_id)
    document = case.documents.filter(pk=document_id).first()
    if document is None:
        raise Http404("No such document")
    justified = request.session.get(SESSION_KEY, {}).get(str(case.pk), "")
    if services.needs_justification(request.user, case) and not justified:
        return redirect("cases:case_detail", case_id=case.pk)
    services.case_consult(
        actor=request.user,
        case=case,
        justification=justified,
        what=f"opened document #{document.pk}",
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def reply_approve(request, case_id):
    case = _writable_or_404(request.user, case_id)
    try:
        services.reply_approve(actor=request.user, case=case)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, "Reply approved: the case is answered.")
    return redirect("cases:case_detail", case_id=case.pk)


@require_http_methods(["GET", "POST"])
def case_settings(request):
    """The head's rules for the SPOC: four eyes on replies, by priority."""
    from cases.models import CaseSettings

    if not permissions.is_head(request.user):
        raise Http404("No such page")
    country = permissions.case_country(request.user)
    rules = CaseSettings.objects.filter(country=country).first() or CaseSettings(country=country)
    form = forms.CaseSettingsForm(
        request.POST or None,
        initial={
            "approve_urgent": rules.approve_urgent,
            "approve_not_urgent": rules.approve_not_urgent,
        },
    )
    if request.method == "POST" and form.is_valid():
        services.case_settings_update(actor=request.user, **form.cleaned_data)
        messages.success(request, "The case rules are saved.")
        return redirect("cases:case_settings")
    return TemplateResponse(
        request, "cases/case_settings.html", {"form": form, "can_write": True, "country": country}
    )
