"""The knowledge base's reader tools: comparison of fact sheets, the quick answer for
officers, and the PDF exports. Thin: knowledge.compare / quick_answer / exports do the work.

All GET, so every answer has a shareable URL. Bad parameters give the form again with the
error and a 400 status (an unknown country in a PDF export URL: 404), never a 500."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from knowledge import compare, exports, quick_answer
from knowledge.forms import CompareForm, QuickAnswerForm
from knowledge.topics import TOPICS
from portal.exports import PDF_CONTENT_TYPE, download_response
from portal.fragments import FRAGMENT_SECONDS, fragment_key
from portal.reference import normalise_country_code


def _errors(form, ids):
    """The form's errors as (field id, message) pairs for the error summary."""
    return [
        (ids.get(field, ""), message)
        for field, messages in form.errors.items()
        for message in messages
    ]


# --- Comparison -------------------------------------------------------------------------------


def _compare_form(request, known):
    """The comparison form, and whether a comparison was asked for. Without `countries` the
    page only shows the form (pre-filled: `topic`, and `with` = countries to pre-tick, as the
    links from a fact sheet do)."""
    params = request.GET
    asked = "countries" in params
    form = CompareForm(params if asked or "topic" in params else None, known=known)
    return form, asked


def _compare_context(request, form, known, comparison=None):
    params = request.GET
    if "countries" in params:
        selected = compare.split_codes(params.getlist("countries"))
    else:
        selected = [code for code in compare.split_codes(params.getlist("with")) if code in known]
    topic = params.get("topic", "")
    return {
        "form": form,
        "topics": TOPICS,
        "selected_topic": topic,
        "countries": list(known.values()),
        "selected_codes": selected,
        "errors": _errors(form, {"topic": "compare-topic", "countries": "compare-countries"})
        if form.is_bound
        else [],
        "comparison": comparison,
        "fragment_seconds": FRAGMENT_SECONDS,
        "min_countries": compare.MIN_COUNTRIES,
        "max_countries": compare.MAX_COUNTRIES,
    }


@require_GET
def compare_view(request):
    known = compare.countries_by_code()
    form, asked = _compare_form(request, known)
    comparison = None
    cached = {}
    status = 200
    if form.is_bound:
        form.is_valid()
        if not asked:
            form.errors.pop("countries", None)  # a pre-filled form: no countries chosen yet
        if form.errors:
            status = 400
        elif asked:
            comparison, cached = _cached_comparison(request, form.cleaned_data)
    context = _compare_context(request, form, known, comparison)
    context.update(cached)
    return render(request, "knowledge/tools/compare.html", context, status=status)


def _cached_comparison(request, cleaned):
    """The comparison, built only when its cached section (the template's {% cache %}) is
    missing: the same for everyone who may see the same pages (portal.fragments). The key
    holds the address (the section shows it and absolute links) and the day ("overdue")."""
    topic, countries, user = cleaned["topic"], cleaned["countries"], request.user
    comparison = SimpleLazyObject(
        lambda: compare.comparison(topic=topic, countries=countries, user=user, request=request)
    )
    key = fragment_key(
        "knowledge:comparison",
        user,
        request.build_absolute_uri(),
        timezone.localdate().isoformat(),
    )
    return comparison, {"comparison_key": key, "comparison_title": topic.title}


@require_GET
def compare_pdf(request):
    known = compare.countries_by_code()
    form = CompareForm(request.GET, known=known)
    if not form.is_valid():
        context = _compare_context(request, form, known)
        return render(request, "knowledge/tools/compare.html", context, status=400)
    result = compare.comparison(
        topic=form.cleaned_data["topic"],
        countries=form.cleaned_data["countries"],
        user=request.user,
        request=request,
    )
    return _pdf_response(exports.comparison_pdf(result), exports.comparison_filename(result))


# --- Country export ---------------------------------------------------------------------------


@require_GET
def country_pdf(request, code):
    known = compare.countries_by_code()
    country = known.get(normalise_country_code(code))
    if country is None:
        raise Http404("No such country")
    pdf = exports.country_pdf(country, user=request.user, request=request)
    return _pdf_response(pdf, exports.country_filename(country))


def _pdf_response(pdf, filename):
    return download_response(pdf, content_type=PDF_CONTENT_TYPE, filename=filename)


# --- Quick answer -----------------------------------------------------------------------------


@require_GET
def quick_answer_view(request):
    known = compare.countries_by_code()
    params = request.GET
    # An answer is asked for with `action` (the form always sends it); `origin` defaults to
    # the officer's own country, so a link can carry only ?entered=BE&action=hot_pursuit.
    # Without `action` the form is shown, pre-filled from the other parameters.
    asked = "action" in params
    if "origin" in params:
        origin = params.get("origin", "")
    else:
        origin = quick_answer.default_origin(request.user, known)
        if origin and origin == normalise_country_code(params.get("entered", "")):
            # A link into the officer's own country: let them choose where they come from.
            origin, asked = "", False
    data = {"origin": origin, "entered": params.get("entered", ""), "action": params.get("action")}
    form = QuickAnswerForm(data if asked else None, known=known)
    answer = None
    status = 200
    if asked:
        if form.is_valid():
            answer = quick_answer.quick_answer(
                origin=form.cleaned_data["origin"],
                entered=form.cleaned_data["entered"],
                action=form.cleaned_data["action"],
                user=request.user,
                request=request,
            )
        else:
            status = 400
    context = {
        "form": form,
        "countries": list(known.values()),
        "actions": quick_answer.ACTION_CHOICES,
        "selected": {
            "origin": normalise_country_code(origin),
            "entered": normalise_country_code(params.get("entered", "")),
            "action": params.get("action", "") or quick_answer.ACTION_CHOICES[0][0],
        },
        "errors": _errors(
            form, {"origin": "qa-origin", "entered": "qa-entered", "action": "qa-action"}
        )
        if asked
        else [],
        "answer": answer,
        "as_of_dates": quick_answer.as_of_dates(answer) if answer else [],
        "rule_fields": _rule_fields(answer) if answer and answer.rule else [],
    }
    return render(request, "knowledge/tools/quick_answer.html", context, status=status)


def _rule_fields(answer):
    rule = answer.rule
    fields = []
    for field, label, actions in compare.RULE_FIELDS:
        if actions is not None and rule.action not in actions:
            continue
        value = compare.rule_value(rule, field)
        if value or field in ("apprehension", "offences", "transport", "notify"):
            fields.append((label, value or "Not stated"))
    return fields
