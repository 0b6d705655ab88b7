"""Session lifetime without a database write per request.

The idle timeout (SESSION_COOKIE_AGE, 8 hours) restarts when the session is saved. Saving on
every request (SESSION_SAVE_EVERY_REQUEST) took SQLite's single write lock on every page view,
and allauth's activity tracking wrote the user-session row each time as well. This middleware
refreshes both at most once per PORTAL_SESSION_REFRESH_SECONDS (a minute), so the idle window
is honoured to within that minute, and ends any session older than
PORTAL_SESSION_ABSOLUTE_SECONDS (7 days) whatever the activity."""

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone

STARTED_KEY = "_portal_session_started"
REFRESHED_KEY = "_portal_session_refreshed"


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request, user)
        return self.get_response(request)

    @staticmethod
    def _check(request, user):
        session = request.session
        now = int(timezone.now().timestamp())
        started = session.get(STARTED_KEY)
        if started is None:
            session[STARTED_KEY] = now  # the first request after signing in
        elif now - started > settings.PORTAL_SESSION_ABSOLUTE_SECONDS:
            # Signed out; LoginRequiredMiddleware then sends the browser to the login page
            # (and the API answers 401).
            logout(request)
            return
        if now - session.get(REFRESHED_KEY, 0) >= settings.PORTAL_SESSION_REFRESH_SECONDS:
            session[REFRESHED_KEY] = now  # modified: saved with a new expiry date
            if session.session_key:
                UserSession.objects.create_from_request(request, user=user, session=session)
