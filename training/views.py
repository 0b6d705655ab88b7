"""Training pages. Thin: selectors decide what may be seen, services write and say no,
exports write the files. A thing the user may not see is a 404; a page of a kind the user
has no part in is a 403; bad input gives the form again with its errors and a 400."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.exports import PDF_CONTENT_TYPE, download_response
from training import exports, permissions, selectors, services
from training.forms import DelegateForm, NeedsAnswersForm, NeedsRoundForm
from training.models import NeedsRound


def nav_for(user):
    """Which parts of the training section's navigation the user gets."""
    return {
        "needs": permissions.can_see_needs_rounds(user),
        "delegates": permissions.can_manage_delegates(user),
    }


def _render(request, template, context, status=200):
    context = {"nav": nav_for(request.user), **context}
    return render(request, template, context, status=status)


# --- Start page -----------------------------------------------------------------------------


@require_GET
def training_home(request):
    user = request.user
    rounds = []
    if permissions.can_see_needs_rounds(user):
        rounds = list(selectors.needs_rounds_for(user).filter(status=NeedsRound.Status.OPEN))
    context = {
        "open_rounds": rounds,
        "own_states": selectors.own_needs_states(user=user, rounds=rounds),
        "can_see_needs": permissions.can_see_needs_rounds(user),
        "is_trainer": permissions.is_trainer(user),
        "can_manage_delegates": permissions.can_manage_delegates(user),
    }
    return _render(request, "training/home.html", context)


# --- Needs rounds ---------------------------------------------------------------------------


def _needs_rounds_or_403(request):
    if not permissions.can_see_needs_rounds(request.user):
        raise PermissionDenied(
            "Training needs are reported by the Heads of SPOC and read by the trainers."
        )


def _round_or_404(request, round_id):
    needs_round = selectors.needs_round_for(request.user, round_id)
    if needs_round is None:
        raise Http404("No such needs round")
    return needs_round


def _form_error(form, error):
    """Put a service's ValidationError on the form: per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error)


def _round_list_page(request, *, form=None, status=200):
    user = request.user
    rounds = list(selectors.needs_rounds_for(user))
    can_manage = permissions.can_manage_needs_rounds(user)
    context = {
        "rounds": rounds,
        "counts": selectors.needs_response_counts(rounds) if can_manage else {},
        "own_states": selectors.own_needs_states(user=user, rounds=rounds),
        "can_manage": can_manage,
        "form": form if form is not None else (NeedsRoundForm() if can_manage else None),
        "today": timezone.localdate(),
    }
    return _render(request, "training/needs/round_list.html", context, status=status)


@require_GET
def needs_round_list(request):
    _needs_rounds_or_403(request)
    return _round_list_page(request)


@require_POST
def needs_round_create(request):
    if not permissions.can_manage_needs_rounds(request.user):
        raise PermissionDenied("Needs rounds are run by the core group of trainers.")
    form = NeedsRoundForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            needs_round = services.needs_round_create(
                actor=request.user,
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                deadline=data["deadline"],
                introduction=data["introduction"],
                topics=list(data["topics"]) or None,
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, "The draft round was created. Open it to ask the countries.")
            return redirect("training:needs_round_detail", round_id=needs_round.pk)
    return _round_list_page(request, form=form, status=400)


def _round_detail_page(request, needs_round, *, answers_form=None, status=200):
    user = request.user
    response, answers = selectors.own_needs(user=user, needs_round=needs_round)
    topics = list(needs_round.topics.all())
    today = timezone.localdate()
    can_answer = permissions.needs_country(user) is not None and needs_round.accepts_answers_on(
        today
    )
    if can_answer and answers_form is None:
        answers_form = NeedsAnswersForm(topics=topics, answers=answers)
    context = {
        "needs_round": needs_round,
        "topics": topics,
        "country": permissions.needs_country(user),
        "response": response,
        "own_answers": [(topic, answers.get(topic.pk)) for topic in topics],
        "answers_form": answers_form if can_answer else None,
        "can_manage": permissions.can_manage_needs_rounds(user),
        "matrix": selectors.needs_matrix(user=user, needs_round=needs_round),
        "today": today,
        "past_deadline": today > needs_round.deadline,
    }
    return _render(request, "training/needs/round_detail.html", context, status=status)


@require_GET
def needs_round_detail(request, round_id):
    _needs_rounds_or_403(request)
    return _round_detail_page(request, _round_or_404(request, round_id))


@require_http_methods(["GET", "POST"])
def needs_round_edit(request, round_id):
    if not permissions.can_manage_needs_rounds(request.user):
        raise PermissionDenied("Needs rounds are run by the core group of trainers.")
    needs_round = _round_or_404(request, round_id)
    if needs_round.status == NeedsRound.Status.CLOSED:
        messages.error(request, "A closed round cannot be changed.")
        return redirect("training:needs_round_detail", round_id=needs_round.pk)
    lock_topics = needs_round.status != NeedsRound.Status.DRAFT
    status = 200
    if request.method == "POST":
        form = NeedsRoundForm(request.POST, lock_topics=lock_topics)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.needs_round_update(
                    actor=request.user,
                    needs_round=needs_round,
                    title=data["title"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    deadline=data["deadline"],
                    introduction=data["introduction"],
                    topics=None if lock_topics else (list(data["topics"]) or None),
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, "The round was saved.")
                return redirect("training:needs_round_detail", round_id=needs_round.pk)
        status = 400
    else:
        form = NeedsRoundForm(
            initial={
                "title": needs_round.title,
                "period_start": needs_round.period_start,
                "period_end": needs_round.period_end,
                "deadline": needs_round.deadline,
                "introduction": needs_round.introduction,
                "topics": list(needs_round.topics.all()),
            },
            lock_topics=lock_topics,
        )
    context = {"needs_round": needs_round, "form": form, "lock_topics": lock_topics}
    return _render(request, "training/needs/round_edit.html", context, status=status)


def _round_action(request, round_id, service, done):
    if not permissions.can_manage_needs_rounds(request.user):
        raise PermissionDenied("Needs rounds are run by the core group of trainers.")
    needs_round = _round_or_404(request, round_id)
    try:
        service(actor=request.user, needs_round=needs_round)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("training:needs_round_detail", round_id=needs_round.pk)


@require_POST
def needs_round_open(request, round_id):
    return _round_action(
        request,
        round_id,
        services.needs_round_open,
        "The round is open: the Heads of SPOC and their delegates can answer.",
    )


@require_POST
def needs_round_close(request, round_id):
    return _round_action(
        request, round_id, services.needs_round_close, "The round is closed: no more answers."
    )


@require_POST
def needs_answers_save(request, round_id):
    _needs_rounds_or_403(request)
    needs_round = _round_or_404(request, round_id)
    if permissions.needs_country(request.user) is None:
        raise PermissionDenied("Only a Head of SPOC, or their delegate, answers for a country.")
    topics = list(needs_round.topics.all())
    form = NeedsAnswersForm(request.POST, topics=topics)
    if form.is_valid():
        try:
            services.needs_answers_save(
                actor=request.user, needs_round=needs_round, answers=form.answers()
            )
        except services.NeedsAnswerErrors as error:
            form.add_service_errors(error.rows)
        except ValidationError as error:
            # The round closed or its deadline passed meanwhile: say so on the page.
            messages.error(request, " ".join(error.messages))
            return _round_detail_page(request, needs_round, status=400)
        else:
            messages.success(request, "Your country's training needs were saved.")
            return redirect("training:needs_round_detail", round_id=needs_round.pk)
    return _round_detail_page(request, needs_round, answers_form=form, status=400)


def _matrix_or_403(request, round_id):
    needs_round = _round_or_404(request, round_id)
    matrix = selectors.needs_matrix(user=request.user, needs_round=needs_round)
    if matrix is None:
        raise PermissionDenied("The pooled results are for the trainers.")
    return needs_round, matrix


@require_GET
def needs_matrix_csv(request, round_id):
    needs_round, matrix = _matrix_or_403(request, round_id)
    return download_response(
        exports.needs_matrix_csv(matrix),
        content_type=exports.CSV_CONTENT_TYPE,
        filename=exports.needs_filename(needs_round, "matrix", "csv"),
    )


@require_GET
def needs_answers_csv(request, round_id):
    needs_round, matrix = _matrix_or_403(request, round_id)
    return download_response(
        exports.needs_answers_csv(matrix),
        content_type=exports.CSV_CONTENT_TYPE,
        filename=exports.needs_filename(needs_round, "answers", "csv"),
    )


@require_GET
def needs_matrix_pdf(request, round_id):
    needs_round, matrix = _matrix_or_403(request, round_id)
    return download_response(
        exports.needs_matrix_pdf(matrix),
        content_type=PDF_CONTENT_TYPE,
        filename=exports.needs_filename(needs_round, "matrix", "pdf"),
    )


# --- Country delegates ----------------------------------------------------------------------


def _delegates_page(request, *, form=None, status=200):
    user = request.user
    context = {
        "country": permissions.head_country(user),
        "delegates": list(selectors.delegates_of_country(user=user)),
        "form": form or DelegateForm(candidates=selectors.delegate_candidates(user=user)),
    }
    return _render(request, "training/delegates.html", context, status=status)


@require_http_methods(["GET", "POST"])
def delegates(request):
    if not permissions.can_manage_delegates(request.user):
        raise PermissionDenied("A Head of SPOC names the training delegates of their country.")
    if request.method == "GET":
        return _delegates_page(request)
    form = DelegateForm(request.POST, candidates=selectors.delegate_candidates(user=request.user))
    if form.is_valid():
        try:
            delegate = services.delegate_add(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                f"{delegate.user} is now a delegate: {delegate.get_kind_display().lower()}.",
            )
            return redirect("training:delegates")
    return _delegates_page(request, form=form, status=400)


@require_POST
def delegate_remove(request, delegate_id):
    if not permissions.can_manage_delegates(request.user):
        raise PermissionDenied("A Head of SPOC names the training delegates of their country.")
    delegate = selectors.delegate_of_country(user=request.user, delegate_id=delegate_id)
    if delegate is None:
        raise Http404("No such delegate")
    services.delegate_remove(actor=request.user, delegate=delegate)
    messages.success(request, f"{delegate.user} is no longer a delegate.")
    return redirect(reverse("training:delegates"))
