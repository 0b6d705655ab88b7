"""Per-user request limits on the expensive or scrapable endpoints: site search, autocomplete,
the JSON API and the PDF/DOCX/CSV exports. One middleware decides for every app, from the URL
name, so a new export or search view is covered by naming it like the others.

Counters are django-ratelimit's (fixed windows in the default cache: Redis in production).
A request over the limit gets 429 with Retry-After: JSON {"detail": ...} under /api/, an HTML
page elsewhere. The key is the signed-in user, else the bearer token, else the address."""

import hashlib

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage


def bucket_of(request):
    """The limit that applies to this request (a key of PORTAL_RATE_LIMITS), or None."""
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    if name == "search_autocomplete":
        return "autocomplete"
    if name == "search":
        return "search"
    if name and name.endswith(("_pdf", "_docx", "_csv")):
        return "export"
    if request.path.startswith("/api/"):
        return "api"
    return None


def _client_key(group, request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    header = request.headers.get("Authorization", "")
    if header:
        digest = hashlib.sha256(header.encode("utf-8", "replace")).hexdigest()[:32]
        return f"token:{digest}"
    return f"ip:{request.META.get('REMOTE_ADDR', '')}"


class RateLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        bucket = bucket_of(request)
        rate = settings.PORTAL_RATE_LIMITS.get(bucket) if bucket else None
        if not rate:
            return None
        usage = get_usage(
            request, group=f"portal.{bucket}", key=_client_key, rate=rate, increment=True
        )
        if usage is None or not usage["should_limit"]:
            return None
        return too_many_requests(request, retry_after=max(1, int(usage["time_left"])))


def too_many_requests(request, *, retry_after):
    message = f"Too many requests. Try again in {retry_after} seconds."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(
            request, "429.html", {"message": message, "retry_after": retry_after}, status=429
        )
    response["Retry-After"] = str(retry_after)
    return response
