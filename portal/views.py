from allauth.account.adapter import get_adapter
from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from portal import permissions, selectors, services
from portal.adapters import INVITATION_SESSION_KEY
from portal.forms import InvitationForm, PreferencesForm, UserRolesForm
from portal.models import AccessToken
from portal.tokens import access_token_for, access_token_reset


@login_not_required
def invitation_accept(request, token):
    """The link in an invitation email: remember it in the session and open the sign-up
    form (which allauth keeps closed to anyone without a valid invitation)."""
    if request.user.is_authenticated:
        messages.info(request, "You are already signed in; log out to accept an invitation.")
        return redirect("/")
    invitation = selectors.invitation_by_token(token)
    state = selectors.invitation_state(invitation) if invitation else "unknown"
    if state != "open":
        # Unknown (mistyped, truncated or forged) links get 404; known ones that stopped
        # working get 410 Gone. Both explain what to do next.
        return render(
            request,
            "portal/invitation_invalid.html",
            {"state": state},
            status=404 if state == "unknown" else 410,
        )
    request.session[INVITATION_SESSION_KEY] = invitation.token_hash
    get_adapter(request).stash_verified_email(request, invitation.email)
    return redirect(f"{reverse('account_signup')}?{urlencode({'email': invitation.email})}")


def _require_people_manager(request):
    if not permissions.can_manage_people(request.user):
        raise PermissionDenied


def people_list(request):
    _require_people_manager(request)
    people = selectors.people_manageable_by(request.user).order_by("last_name", "email")
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    page.object_list = selectors.people_with_permissions(request.user, page.object_list)
    invitations = selectors.invitations_open_visible_to(request.user, limit=50)
    return render(
        request,
        "portal/people/list.html",
        {"people": page, "invitations": invitations},
    )


def _posted(request):
    """The POST data on a POST (even an empty one, so it shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def people_invite(request):
    _require_people_manager(request)
    form = InvitationForm(_posted(request), actor=request.user)
    if request.method == "POST" and not form.is_valid() and form.asks_beyond_actor_scope():
        # The form never offers these choices: a forged request, refused outright.
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                email=form.cleaned_data["email"],
                organisation=form.cleaned_data["organisation"],
                roles=form.cleaned_data["roles"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("portal:people_list")
    return render(request, "portal/people/invite.html", {"form": form})


def people_edit(request, user_id):
    _require_people_manager(request)
    person = get_object_or_404(selectors.people_manageable_by(request.user), pk=user_id)
    if not permissions.can_manage_user(request.user, person):
        raise Http404
    form = UserRolesForm(
        _posted(request),
        actor=request.user,
        person=person,
        initial={"roles": sorted(person.role_codes)},
    )
    if request.method == "POST" and not form.is_valid() and form.asks_beyond_actor_scope():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        services.user_set_roles(actor=request.user, user=person, roles=form.cleaned_data["roles"])
        messages.success(request, f"Roles of {person} saved.")
        return redirect("portal:people_list")
    return render(request, "portal/people/edit.html", {"form": form, "person": person})


@require_POST
def people_set_active(request, user_id):
    _require_people_manager(request)
    person = get_object_or_404(selectors.people_manageable_by(request.user), pk=user_id)
    if not permissions.can_manage_user(request.user, person):
        raise Http404
    active = request.POST.get("active")
    if active not in ("0", "1"):
        return HttpResponseBadRequest("Say whether the account is to be enabled or disabled.")
    if active == "1":
        if person.is_active:
            messages.info(request, f"{person} can already log in.")
            return redirect("portal:people_list")
        services.user_reactivate(actor=request.user, user=person)
        messages.success(request, f"{person} can log in again.")
    else:
        if not person.is_active:
            messages.info(request, f"{person} is already disabled.")
            return redirect("portal:people_list")
        services.user_deactivate(actor=request.user, user=person)
        messages.success(request, f"{person} is disabled and logged out everywhere.")
    return redirect("portal:people_list")


@require_POST
def invitation_revoke(request, invitation_id):
    _require_people_manager(request)
    invitation = get_object_or_404(selectors.invitations_visible_to(request.user), pk=invitation_id)
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"Invitation for {invitation.email} revoked.")
    return redirect("portal:people_list")


def account_preferences(request):
    form = PreferencesForm(
        _posted(request), initial={"notify_updates": request.user.notify_updates}
    )
    if request.method == "POST" and form.is_valid():
        services.user_update_preferences(
            user=request.user, notify_updates=form.cleaned_data["notify_updates"]
        )
        messages.success(request, "Preferences saved.")
        return redirect("portal:account_preferences")
    feed_token = access_token_for(user=request.user, purpose=AccessToken.Purpose.FEED)
    return render(
        request,
        "portal/account/preferences.html",
        {
            "form": form,
            "feed_url": request.build_absolute_uri(
                reverse("portal:updates_feed", args=[feed_token])
            ),
            "api_tokens": selectors.api_tokens_of(request.user),
            "api_token_days": settings.PORTAL_API_TOKEN_DAYS,
            # The plaintext of a new API token is shown once, right after creation.
            "new_api_token": request.session.pop("new_api_token", None),
        },
    )


@require_POST
def feed_token_reset(request):
    access_token_reset(user=request.user, purpose=AccessToken.Purpose.FEED)
    messages.success(request, "Your feed address was reset; the old one no longer works.")
    return redirect("portal:account_preferences")


@require_POST
@reauthentication_required
def api_token_create(request):
    """A new token, after the password (or second factor) was given again in the last few
    minutes: a session left open on a shared machine cannot mint a lasting credential."""
    name = (request.POST.get("name") or "").strip()[:100] or "API token"
    _token, plaintext = services.api_token_create(user=request.user, name=name)
    request.session["new_api_token"] = plaintext
    messages.success(request, "API token created. Copy it now: it is shown only once.")
    return redirect("portal:account_preferences")


@require_POST
def api_token_revoke(request, token_id):
    token = selectors.api_token_own(request.user, token_id)
    if token is None:
        raise Http404
    services.api_token_revoke(token=token)
    messages.success(request, f"API token “{token.name}” revoked.")
    return redirect("portal:account_preferences")
