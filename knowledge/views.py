"""Reader views beside the pages: what changed between two revisions of a fact sheet, and the
editors' "still correct" button. Thin: selectors and services decide."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Revision

from knowledge import selectors, services
from knowledge.revisions import revision_diff, sheet_text_lines


def _sheet_or_404(user, page_id):
    sheet = selectors.fact_sheets_for(user).filter(pk=page_id).first()
    if sheet is None:
        raise Http404("No such fact sheet")
    return sheet


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_GET
def fact_sheet_changes(request, page_id):
    """Published revisions of a live sheet and the differences between two of them
    (?from=<revision id>&to=<revision id>; by default the last two)."""
    sheet = _sheet_or_404(request.user, page_id)
    revisions = selectors.fact_sheet_revisions(sheet)
    by_id = {item["revision"].pk: item for item in revisions}
    for newer, older in zip(revisions, revisions[1:] + [None], strict=True):
        newer["previous_id"] = older["revision"].pk if older else None
    from_id, to_id = _int(request.GET.get("from")), _int(request.GET.get("to"))
    if ("from" in request.GET and from_id not in by_id) or (
        "to" in request.GET and to_id not in by_id
    ):
        raise Http404("No such revision of this fact sheet")
    if to_id is None and revisions:
        to_id = revisions[0]["revision"].pk
    if from_id is None and to_id is not None:
        from_id = by_id[to_id]["previous_id"]
    diff = None
    if from_id is not None and to_id is not None:
        old = _as_sheet(from_id)
        new = _as_sheet(to_id)
        diff = revision_diff(sheet_text_lines(old), sheet_text_lines(new))
    context = {
        "page": sheet,
        "sheet": sheet,
        "revisions": revisions,
        "from_item": by_id.get(from_id),
        "to_item": by_id.get(to_id),
        "diff": diff,
        "changed": bool(diff and any(line["op"] != "same" for line in diff)),
    }
    return TemplateResponse(request, "knowledge/fact_sheet_changes.html", context)


def _as_sheet(revision_id):
    return Revision.page_revisions.get(pk=revision_id).as_object()


@require_POST
def fact_sheet_reviewed(request, page_id):
    sheet = _sheet_or_404(request.user, page_id)
    try:
        services.fact_sheet_mark_reviewed(user=request.user, sheet=sheet)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Thank you: the fact sheet is marked as reviewed today.")
    return redirect(sheet.get_url(request=request) or "/")
