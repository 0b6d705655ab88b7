"""The Wagtail site of a request, looked up once per host and half-minute in each process.

Wagtail resolves the site with a query on every request (`Site.find_for_request`), which
cost about a tenth of the portal's ordinary requests. `CachedSiteMiddleware` sets the site
Wagtail would find, from a small per-process memo, before anything asks for it. A site saved
or deleted clears the memo of the process that did it; other processes see the change within
`SITE_MEMO_SECONDS` (sites change only when an administrator moves the portal).
"""

import copy
import threading
import time

from django.http.request import split_domain_port
from wagtail.models import Site

SITE_MEMO_SECONDS = 30
MAX_HOSTS = 32  # the Host header is the client's: keep the memo small whatever it sends

_lock = threading.Lock()
_memo = {}  # (hostname, port) -> (site or None, expires at)


def site_for_request(request):
    """What `Site.find_for_request` would return; a copy, so nothing a request caches on
    it (its root page, say) is shared with another request."""
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    now = time.monotonic()
    with _lock:
        memo = _memo.get(key)
    if memo is None or memo[1] <= now:
        site = Site._find_for_request(request)
        memo = (copy.copy(site) if site is not None else None, now + SITE_MEMO_SECONDS)
        with _lock:
            if len(_memo) >= MAX_HOSTS:
                _memo.clear()
            _memo[key] = memo
    return copy.copy(memo[0]) if memo[0] is not None else None


def forget_sites():
    with _lock:
        _memo.clear()


class CachedSiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._wagtail_site = site_for_request(request)
        return self.get_response(request)
