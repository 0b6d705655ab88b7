"""Training pages. Thin: selectors decide what may be seen, services write and say no,
exports write the files. A thing the user may not see is a 404; a page of a kind the user
has no part in is a 403; bad input gives the form again with its errors and a 400."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.exports import PDF_CONTENT_TYPE, download_response
from portal.models import AccessToken
from portal.tokens import user_for_access_token
from training import calendar, exports, permissions, selectors, services
from training.forms import (
    CourseForm,
    DelegateForm,
    NeedsAnswersForm,
    NeedsRoundForm,
    NominateForm,
    NominationRequestForm,
    ReasonForm,
    SessionForm,
)
from training.models import Course, Level, NeedsRound, Nomination, TrainingTopic


def nav_for(user):
    """Which parts of the training section's navigation the user gets."""
    return {
        "needs": permissions.can_see_needs_rounds(user),
        "delegates": permissions.can_manage_delegates(user),
        "courses": permissions.can_see_courses(user),
        "nominations": permissions.is_member(user),
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
        "upcoming": list(selectors.upcoming_sessions(user=user, limit=6)),
        "this_year": timezone.localdate().year,
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
    _needs_rounds_or_403(request)  # as the round's page: 403 for members without a needs part
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


# --- Courses --------------------------------------------------------------------------------


def _course_or_404(request, course_id):
    course = selectors.course_for(request.user, course_id)
    if course is None:
        raise Http404("No such course")
    return course


def _managed_course_or_403(request, course_id):
    course = _course_or_404(request, course_id)
    if not permissions.can_manage_course(request.user, course):
        raise PermissionDenied("You do not manage this course.")
    return course


def _course_filters(request):
    """The catalogue's filters from the query string; unknown values are ignored."""
    params = request.GET
    topics = {topic.slug: topic for topic in TrainingTopic.objects.all()}
    chosen = {
        "topic": params.get("topic") if params.get("topic") in topics else "",
        "level": params.get("level") if params.get("level") in Level.values else "",
        "organiser": params.get("organiser")
        if params.get("organiser") in Course.Organiser.values
        else "",
    }
    return chosen, topics


@require_GET
def course_list(request):
    chosen, topics = _course_filters(request)
    courses = selectors.courses_for(request.user)
    if chosen["topic"]:
        courses = courses.filter(topic=topics[chosen["topic"]])
    if chosen["level"]:
        courses = courses.filter(level=chosen["level"])
    if chosen["organiser"]:
        courses = courses.filter(organiser=chosen["organiser"])
    courses = list(courses)
    upcoming = {}
    for session in selectors.upcoming_sessions(user=request.user).filter(course__in=courses):
        upcoming.setdefault(session.course_id, []).append(session)
    context = {
        "courses": courses,
        "upcoming": upcoming,
        "topics": list(topics.values()),
        "levels": Level.choices,
        "organisers": Course.Organiser.choices,
        "chosen": chosen,
        "can_create": permissions.can_create_courses(request.user),
    }
    return _render(request, "training/courses/course_list.html", context)


def _course_form_page(request, form, *, course=None, status=200):
    context = {"form": form, "course": course}
    return _render(request, "training/courses/course_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def course_create(request):
    user = request.user
    if not permissions.can_create_courses(user):
        raise PermissionDenied("Courses are created by the trainers and by CEPOL.")
    organisers = permissions.organisers_for(user)
    if request.method == "GET":
        return _course_form_page(request, CourseForm(organisers=organisers))
    form = CourseForm(request.POST, organisers=organisers)
    if form.is_valid():
        try:
            course = services.course_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, "The course was added to the catalogue.")
            return redirect("training:course_detail", course_id=course.pk)
    return _course_form_page(request, form, status=400)


@require_http_methods(["GET", "POST"])
def course_edit(request, course_id):
    course = _managed_course_or_403(request, course_id)
    organisers = permissions.organisers_for(request.user)
    topics = TrainingTopic.objects.filter(active=True) | TrainingTopic.objects.filter(
        pk=course.topic_id
    )
    if request.method == "GET":
        initial = {name: getattr(course, name) for name in services.COURSE_FIELDS}
        form = CourseForm(initial=initial, organisers=organisers, topic_queryset=topics)
        return _course_form_page(request, form, course=course)
    form = CourseForm(request.POST, organisers=organisers, topic_queryset=topics)
    if form.is_valid():
        try:
            services.course_update(actor=request.user, course=course, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, "The course was saved.")
            return redirect("training:course_detail", course_id=course.pk)
    return _course_form_page(request, form, course=course, status=400)


@require_GET
def course_detail(request, course_id):
    course = _course_or_404(request, course_id)
    context = {
        "course": course,
        "sessions": list(selectors.sessions_of_course(user=request.user, course=course)),
        "can_manage": permissions.can_manage_course(request.user, course),
        "today": timezone.localdate(),
    }
    return _render(request, "training/courses/course_detail.html", context)


# --- Sessions -------------------------------------------------------------------------------


def _session_or_404(request, session_id):
    session = selectors.session_for(request.user, session_id)
    if session is None:
        raise Http404("No such session")
    return session


def _choosable_documents(user):
    from wagtail.documents import get_document_model
    from wagtail.permissions import policy_registry

    permission_policy = policy_registry.get_by_type(get_document_model())
    if not permission_policy.user_has_any_permission(user, ["choose", "add"]):
        return None
    return permission_policy.instances_user_has_any_permission_for(user, ["choose"]).order_by(
        "title"
    )


def _session_form_page(request, form, *, course, session=None, status=200):
    context = {"form": form, "course": course, "session": session}
    return _render(request, "training/sessions/session_form.html", context, status=status)


def _session_saved(request, form, service, **kwargs):
    documents = form.cleaned_data.get("documents") if "documents" in form.fields else None
    try:
        session = service(
            actor=request.user,
            quotas=form.quotas(),
            documents=list(documents) if documents is not None else None,
            **kwargs,
            **form.session_values(),
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "quotas" in error.error_dict:
            form.add_error(None, error.error_dict.pop("quotas"))
        _form_error(form, error)
        return None
    return session


@require_http_methods(["GET", "POST"])
def session_create(request, course_id):
    course = _managed_course_or_403(request, course_id)
    documents = _choosable_documents(request.user)
    if request.method == "GET":
        return _session_form_page(request, SessionForm(documents=documents), course=course)
    form = SessionForm(request.POST, documents=documents)
    if form.is_valid():
        session = _session_saved(request, form, services.session_create, course=course)
        if session is not None:
            messages.success(request, "The session was added.")
            return redirect("training:session_detail", session_id=session.pk)
    return _session_form_page(request, form, course=course, status=400)


@require_http_methods(["GET", "POST"])
def session_edit(request, session_id):
    session = _session_or_404(request, session_id)
    if not permissions.can_manage_course(request.user, session.course):
        raise PermissionDenied("You do not manage this course.")
    documents = _choosable_documents(request.user)
    if request.method == "GET":
        form = SessionForm(initial=SessionForm.initial_for(session), documents=documents)
        return _session_form_page(request, form, course=session.course, session=session)
    form = SessionForm(request.POST, documents=documents)
    if form.is_valid():
        saved = _session_saved(request, form, services.session_update, session=session)
        if saved is not None:
            messages.success(request, "The session was saved.")
            return redirect("training:session_detail", session_id=session.pk)
    return _session_form_page(request, form, course=session.course, session=session, status=400)


N = Nomination.Status


def nomination_actions(user, nomination, *, session, now):
    """The actions the user may take on a nomination, as (name, label, needs a reason)."""
    started = session.has_started(now) or session.is_cancelled
    head = permissions.nominating_country(user)
    is_head = head is not None and head.pk == nomination.country_id
    contact = permissions.national_contact_country(user)
    is_contact = contact is not None and contact.pk == nomination.country_id
    organiser = permissions.is_organiser(user, session.course)
    status = nomination.status
    actions = []
    if not started:
        if is_head and status == N.REQUESTED:
            actions += [("approve", "Approve", False), ("refuse", "Refuse", True)]
        if is_contact and status == N.AWAITING_SECOND:
            actions += [("second-approve", "Approve", False), ("refuse", "Refuse", True)]
        if organiser and status == N.APPROVED:
            actions.append(("confirm", "Confirm", False))
        if organiser and status in Nomination.HOLDING_SEAT:
            actions.append(("waitlist", "Move to the waiting list", True))
    if organiser and status in (N.APPROVED, N.WAITING, N.CONFIRMED) and session.local_end >= now:
        actions.append(("decline", "Decline", True))
    if nomination.is_active and session.local_end >= now:
        if nomination.nominee_id == user.pk or is_head:
            actions.append(("withdraw", "Withdraw", True))
    return actions


def _session_page_context(request, session, *, request_form=None, nominate_form=None):
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now)
    nominations = selectors.session_nominations(user=user, session=session)
    lists_all = permissions.sees_all_nominations(user, session) or permissions.gives_session(
        user, session
    )
    own = selectors.own_nomination(user=user, session=session, nominations=nominations)
    head = permissions.nominating_country(user)
    open_for_nominations = session.nominations_open_on(today) and not session.has_started(now)
    country = user.country if permissions.can_ask_nomination(user) else None
    candidates = candidate_list = None
    if head is not None and open_for_nominations:
        candidates = selectors.nomination_candidates(user=user, session=session)
        candidate_list = list(candidates)
    can_request = (
        permissions.can_ask_nomination(user)
        and open_for_nominations
        and (own is None or not own.is_active)
    )
    rows = [
        {
            "nomination": nomination,
            "actions": nomination_actions(user, nomination, session=session, now=now),
            "can_replace": head is not None
            and head.pk == nomination.country_id
            and nomination.is_active
            and open_for_nominations,
        }
        for nomination in nominations
    ]
    return {
        "session": session,
        "course": session.course,
        "quotas": list(session.quotas.all()),
        "documents": list(session.documents.all()),
        "can_manage": permissions.can_manage_course(user, session.course),
        "show_online_link": permissions.can_see_online_link(user, session)
        or (own is not None and own.status == N.CONFIRMED),
        "today": today,
        "started": session.has_started(now),
        "open_for_nominations": open_for_nominations,
        "seats": selectors.seat_summary(session=session, country=country, today=today),
        "own_nomination": own,
        "own_actions": nomination_actions(user, own, session=session, now=now) if own else [],
        "rows": [row for row in rows if row["nomination"].nominee_id != user.pk]
        if not lists_all
        else rows,
        # The organiser and the session's trainers see every nomination (trainers see, they
        # have no actions).
        "sees_all": lists_all,
        "head_country": head,
        "can_request": can_request,
        "request_form": request_form or (NominationRequestForm() if can_request else None),
        "nominate_form": nominate_form
        or (
            NominateForm(candidates=candidates, label="Person to nominate")
            if candidates is not None
            else None
        ),
        "candidates": candidate_list or [],
    }


def _session_page(request, session, *, status=200, **forms):
    context = _session_page_context(request, session, **forms)
    return _render(request, "training/sessions/session_detail.html", context, status=status)


@require_GET
def session_detail(request, session_id):
    return _session_page(request, _session_or_404(request, session_id))


@require_POST
def session_cancel(request, session_id):
    session = _session_or_404(request, session_id)
    if not permissions.can_manage_course(request.user, session.course):
        raise PermissionDenied("You do not manage this course.")
    try:
        services.session_cancel(actor=request.user, session=session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The session was cancelled.")
    return redirect("training:session_detail", session_id=session.pk)


def _ics_response(body, filename):
    return download_response(body, content_type=calendar.CONTENT_TYPE, filename=filename)


@require_GET
def session_ics(request, session_id):
    session = _session_or_404(request, session_id)
    body = calendar.session_calendar(
        session,
        include_online_link=permissions.can_see_online_link(request.user, session),
    )
    return _ics_response(body, f"training-session-{session.pk}.ics")


# --- Annual plan ----------------------------------------------------------------------------


def _plan_year(year):
    if not 2000 <= year <= 2100:
        raise Http404("No plan for this year")
    return year


@require_GET
def plan_index(request):
    return redirect("training:plan_year", year=timezone.localdate().year)


@require_GET
def plan_year(request, year):
    year = _plan_year(year)
    sessions = list(selectors.plan_sessions(user=request.user, year=year))
    months = {}
    for session in sessions:
        months.setdefault(session.first_day.replace(day=1), []).append(session)
    years = selectors.plan_years(user=request.user)
    context = {
        "year": year,
        "months": sorted(months.items()),
        "sessions": sessions,
        "years": sorted({*years, year, timezone.localdate().year}),
        "calendar_feed": selectors.calendar_feed_urls(request=request, user=request.user),
    }
    return _render(request, "training/plan/plan_year.html", context)


@require_GET
def plan_pdf(request, year):
    year = _plan_year(year)
    sessions = list(selectors.plan_sessions(user=request.user, year=year))
    return download_response(
        exports.plan_pdf(year, sessions),
        content_type=PDF_CONTENT_TYPE,
        filename=f"training-plan-{year}.pdf",
    )


@require_GET
def plan_ics(request, year):
    year = _plan_year(year)
    sessions = list(selectors.plan_sessions(user=request.user, year=year))
    body = calendar.feed_calendar(
        sessions,
        name=f"{settings.WAGTAIL_SITE_NAME}: training plan {year}",
        include_online_link=lambda s: permissions.can_see_online_link(request.user, s),
    )
    return _ics_response(body, f"training-plan-{year}.ics")


@require_GET
@login_not_required  # calendar clients cannot log in: the URL carries the user's secret token
def calendar_feed(request, token):
    """The user's subscription feed of the training sessions. An unknown, forged, reset or
    disabled user's token is a 404."""
    user = user_for_access_token(token, purpose=AccessToken.Purpose.CALENDAR)
    if user is None:
        raise Http404("Unknown feed")
    sessions = list(selectors.sessions_for_feed(user=user))
    body = calendar.feed_calendar(
        sessions,
        name=f"{settings.WAGTAIL_SITE_NAME}: training",
        include_online_link=lambda s: permissions.can_see_online_link(user, s),
    )
    response = HttpResponse(body, content_type=calendar.CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


# --- Nominations ----------------------------------------------------------------------------


def _to_nominations(session):
    return redirect(reverse("training:session_detail", args=[session.pk]) + "#nominations")


@require_POST
def nomination_request(request, session_id):
    session = _session_or_404(request, session_id)
    if not permissions.can_ask_nomination(request.user):
        raise PermissionDenied("Only members of a national SPOC ask to be nominated.")
    form = NominationRequestForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_request(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your Head of SPOC was asked to nominate you.")
            return _to_nominations(session)
    return _session_page(request, session, request_form=form, status=400)


@require_POST
def nomination_create(request, session_id):
    session = _session_or_404(request, session_id)
    if permissions.nominating_country(request.user) is None:
        raise PermissionDenied("Only a Head of SPOC nominates staff of their country.")
    candidates = selectors.nomination_candidates(user=request.user, session=session)
    form = NominateForm(request.POST, candidates=candidates, label="Person to nominate")
    if form.is_valid():
        try:
            nomination = services.nomination_create(
                actor=request.user, session=session, nominee=form.cleaned_data["nominee"]
            )
        except ValidationError as error:
            _form_error(form, error)
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, f"{nomination.nominee} is nominated: {nomination.get_status_display()}."
            )
            return _to_nominations(session)
    return _session_page(request, session, nominate_form=form, status=400)


def _nomination_or_404(request, nomination_id):
    nomination = selectors.nomination_for(request.user, nomination_id)
    if nomination is None:
        raise Http404("No such nomination")
    return nomination


ACTIONS = {
    "approve": (services.nomination_approve, False),
    "second-approve": (services.nomination_second_approve, False),
    "refuse": (services.nomination_refuse, True),
    "confirm": (services.nomination_confirm, False),
    "decline": (services.nomination_decline, True),
    "waitlist": (services.nomination_waitlist, True),
    "withdraw": (services.nomination_withdraw, True),
}


@require_POST
def nomination_action(request, nomination_id, action):
    if action not in ACTIONS:
        raise Http404("No such action")
    nomination = _nomination_or_404(request, nomination_id)
    session = nomination.session
    service, takes_reason = ACTIONS[action]
    kwargs = {}
    if takes_reason:
        form = ReasonForm(request.POST)
        form.is_valid()
        kwargs["reason"] = form.cleaned_data.get("reason", "")
    try:
        updated = service(actor=request.user, nomination=nomination, **kwargs)
    except ValidationError as error:
        messages.error(request, f"{nomination.nominee}: {' '.join(error.messages)}")
        return _session_page(request, _session_or_404(request, session.pk), status=400)
    updated.refresh_from_db()
    messages.success(request, f"{nomination.nominee}: {updated.get_status_display()}.")
    return _to_nominations(session)


@require_POST
def nomination_replace(request, nomination_id):
    nomination = _nomination_or_404(request, nomination_id)
    session = nomination.session
    candidates = selectors.nomination_candidates(user=request.user, session=session)
    form = NominateForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            replacement = services.nomination_replace(
                actor=request.user, nomination=nomination, nominee=form.cleaned_data["nominee"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{replacement.nominee} takes {nomination.nominee}'s place.")
            return _to_nominations(session)
    else:
        messages.error(request, "Choose the person who takes the place.")
    return _session_page(request, _session_or_404(request, session.pk), status=400)


@require_GET
def nomination_detail(request, nomination_id):
    nomination = _nomination_or_404(request, nomination_id)
    user = request.user
    sees_all = permissions.sees_all_nominations(user, nomination.session)
    events = []
    for event in selectors.nomination_history(nomination):
        # A move up names whoever freed the seat, perhaps another country's head: only the
        # organiser sees who that was; the note says why.
        moved_up = event.from_status == N.WAITING and event.to_status == N.APPROVED
        events.append({"event": event, "actor": event.actor if sees_all or not moved_up else None})
    context = {
        "nomination": nomination,
        "session": nomination.session,
        "events": events,
        "actions": nomination_actions(
            user, nomination, session=nomination.session, now=timezone.now()
        ),
    }
    return _render(request, "training/nominations/nomination_detail.html", context)


@require_GET
def nominations_list(request):
    overview = selectors.nominations_overview(user=request.user)
    context = {
        **overview,
        "head_country": permissions.head_country(request.user),
        "contact_country": permissions.national_contact_country(request.user),
        "organises": permissions.organises_courses(request.user),
        "gives_sessions": bool(permissions.sessions_given(request.user)),
    }
    return _render(request, "training/nominations/nominations_list.html", context)
