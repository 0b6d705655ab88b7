from allauth.mfa.utils import is_mfa_enabled
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.functional import cached_property


class MFARequiredMiddleware:
    """When PORTAL_MFA_REQUIRED is on, a logged-in user without a second factor reaches only
    the MFA setup pages and logout. allauth asks for MFA that exists; enrolment is ours."""

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def allowed_prefixes(self):
        return (
            reverse("mfa_index"),
            reverse("account_logout"),
            reverse("account_reauthenticate"),
            settings.STATIC_URL,
        )

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.PORTAL_MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and not is_mfa_enabled(user)
        ):
            if not request.path_info.startswith(self.allowed_prefixes):
                if request.path_info.startswith("/api/"):
                    return JsonResponse(
                        {"detail": "Set up two-factor authentication before using the portal."},
                        status=403,
                    )
                return redirect("mfa_index")
            # The MFA pages tell the person why they cannot go anywhere else yet.
            request.portal_mfa_setup_required = True
        return self.get_response(request)


class NoStoreForUsersMiddleware:
    """Restricted pages must not stay in browser or proxy caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class PortalCSPMiddleware(CSPMiddleware):
    """The portal's strict policy everywhere, the admin's looser one under /admin/."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            return PolicyParts(config=settings.PORTAL_ADMIN_CSP, nonce=parts.nonce)
        return parts
