"""Pages of the trainer pool: the list with filters, a trainer's page, the proposal form, the
vetting actions, and the trainers of a session. Same conventions as training.views (404 for
what the user may not see, 403 for a page they have no part in, 400 with the form's errors)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from training import permissions, permissions_pool, selectors, selectors_pool, services_pool
from training.forms_pool import (
    ReasonForm,
    SessionTrainersForm,
    TrainerFilterForm,
    TrainerProposeForm,
)
from training.models import TrainingTopic
from training.views import _form_error, _render, _session_or_404


def _trainer_or_404(request, trainer_id):
    trainer = selectors_pool.trainer_for(request.user, trainer_id)
    if trainer is None:
        raise Http404("No such trainer")
    return trainer


@require_GET
def trainer_list(request):
    user = request.user
    sees_proposals = permissions_pool.can_vet_trainers(
        user
    ) or permissions_pool.can_propose_trainer(user)
    form = TrainerFilterForm(request.GET or None, with_status=sees_proposals)
    trainers = selectors_pool.trainers_for(user)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        trainers = selectors_pool.filter_trainers(
            trainers,
            topic=data.get("topic"),
            language=data.get("language"),
            country=data.get("country"),
            status=data.get("status"),
        )
    elif form.is_bound:
        trainers = trainers.none()  # an unknown filter value: say so, list nothing
    trainers = list(trainers)
    context = {
        "form": form,
        "trainers": trainers,
        "sees_proposals": sees_proposals,
        "can_propose": permissions_pool.can_propose_trainer(user),
        "filtered": form.is_bound,
    }
    return _render(request, "training/pool/trainer_list.html", context)


@require_GET
def trainer_detail(request, trainer_id):
    trainer = _trainer_or_404(request, trainer_id)
    user = request.user
    private = permissions_pool.can_see_trainer_private(user, trainer)
    context = {
        "trainer": trainer,
        "topics": list(trainer.topics.all()),
        "private": private,
        "sessions": selectors_pool.trainer_sessions(trainer, with_scores=private),
        "can_vet": permissions_pool.can_vet_trainers(user),
        "can_edit": permissions_pool.can_edit_trainer(user, trainer),
        "reason_form": ReasonForm(),
    }
    return _render(request, "training/pool/trainer_detail.html", context)


def _candidates(user):
    return selectors.delegate_candidates(user=user)


@require_http_methods(["GET", "POST"])
def trainer_propose(request):
    user = request.user
    if not permissions_pool.can_propose_trainer(user):
        raise PermissionDenied("Trainers are proposed by the Heads of SPOC.")
    status = 200
    if request.method == "POST":
        form = TrainerProposeForm(request.POST, candidates=_candidates(user))
        if form.is_valid():
            try:
                trainer = services_pool.trainer_propose(actor=user, **form.cleaned_data)
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request,
                    f"{trainer.full_name} is proposed; the core group will vet the proposal.",
                )
                return redirect("training:trainer_detail", trainer_id=trainer.pk)
        status = 400
    else:
        form = TrainerProposeForm(candidates=_candidates(user))
    context = {"form": form, "country": permissions.head_country(user)}
    return _render(request, "training/pool/trainer_propose.html", context, status=status)


def _trainer_initial(trainer):
    return {
        "full_name": trainer.full_name,
        "email": trainer.email,
        "user": trainer.user_id,
        "organisation": trainer.organisation,
        "topics": list(trainer.topics.all()),
        "languages": trainer.language_codes,
        "qualifications": trainer.qualifications,
        "availability": trainer.availability,
    }


@require_http_methods(["GET", "POST"])
def trainer_edit(request, trainer_id):
    """Correct a trainer's record (the core group; the proposing country's heads until the
    proposal is vetted). 404 for a record the user may not see, 403 for one they may see but
    not edit."""
    trainer = _trainer_or_404(request, trainer_id)
    user = request.user
    if not permissions_pool.can_edit_trainer(user, trainer):
        if permissions_pool.is_proposers_head(user, trainer):
            raise PermissionDenied(
                "This trainer is vetted: ask the core group of trainers for a correction."
            )
        raise PermissionDenied("Trainers' records are edited by the core group of trainers.")
    kwargs = {
        "candidates": selectors_pool.trainer_account_candidates(trainer),
        "topics": TrainingTopic.objects.filter(Q(active=True) | Q(trainers=trainer)).distinct(),
    }
    status = 200
    if request.method == "POST":
        form = TrainerProposeForm(request.POST, **kwargs)
        if form.is_valid():
            try:
                services_pool.trainer_update(actor=user, trainer=trainer, **form.cleaned_data)
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request, f"The record of {form.cleaned_data['full_name']} was saved."
                )
                return redirect("training:trainer_detail", trainer_id=trainer.pk)
        status = 400
    else:
        form = TrainerProposeForm(initial=_trainer_initial(trainer), **kwargs)
    context = {"form": form, "trainer": trainer}
    return _render(request, "training/pool/trainer_edit.html", context, status=status)


@require_POST
def trainer_vetting(request, trainer_id, action):
    if action not in ("vet", "reject"):
        raise Http404("No such action")
    trainer = _trainer_or_404(request, trainer_id)
    if not permissions_pool.can_vet_trainers(request.user):
        raise PermissionDenied("Trainers are vetted by the core group of trainers.")
    try:
        if action == "vet":
            services_pool.trainer_vet(actor=request.user, trainer=trainer)
            messages.success(request, f"{trainer.full_name} is in the pool.")
        else:
            form = ReasonForm(request.POST)
            form.is_valid()
            services_pool.trainer_reject(
                actor=request.user, trainer=trainer, reason=form.cleaned_data.get("reason", "")
            )
            messages.success(request, f"The proposal of {trainer.full_name} was turned down.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("training:trainer_detail", trainer_id=trainer.pk)


@require_http_methods(["GET", "POST"])
def session_trainers(request, session_id):
    session = _session_or_404(request, session_id)
    if not permissions_pool.can_assign_trainers(request.user, session):
        raise PermissionDenied("You do not manage this course.")
    current = selectors_pool.session_trainers(session)
    choices = selectors_pool.assignable_trainers(current)
    status = 200
    if request.method == "POST":
        form = SessionTrainersForm(request.POST, choices=choices)
        if form.is_valid():
            try:
                services_pool.session_trainers_set(
                    actor=request.user,
                    session=session,
                    trainers=list(form.cleaned_data["trainers"]),
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(request, "The session's trainers were saved.")
                return redirect(reverse("training:session_detail", args=[session.pk]) + "#trainers")
        status = 400
    else:
        form = SessionTrainersForm(
            initial={"trainers": [link.trainer for link in current]}, choices=choices
        )
    context = {"session": session, "course": session.course, "form": form}
    return _render(request, "training/pool/session_trainers.html", context, status=status)
