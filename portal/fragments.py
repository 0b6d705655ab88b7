"""Cache keys for page fragments that are the same for everyone who may see the same pages.

A fragment (the fact-sheet matrix, say) is cached under ``fragment_key(name, user, *parts)``:

- the **content generation**, a token replaced whenever published content may have changed
  (any page, its revisions and inline rows, the knowledge app's rows, a country:
  `portal.signal_handlers`), so a publication is visible at once;
- the user's **audience**: a digest of the page subtrees hidden from them by page privacy
  (`portal.visibility.hidden_page_paths`), so two users share a fragment only when they may
  see exactly the same pages;
- the caller's own ``parts`` (the day, for "overdue" marks; the chosen countries; the host
  for absolute links).

Nothing that depends on a user's roles beyond page privacy may be cached this way: put such
a part in ``parts`` or keep it out of the fragment.
"""

import hashlib
import secrets

from django.core.cache import cache

from portal.visibility import hidden_page_paths

CONTENT_GENERATION_KEY = "portal:content-generation"
FRAGMENT_SECONDS = 6 * 60 * 60  # a safety net: every change replaces the generation anyway


def content_generation():
    generation = cache.get(CONTENT_GENERATION_KEY)
    if generation is None:
        cache.add(CONTENT_GENERATION_KEY, secrets.token_hex(6), None)
        generation = cache.get(CONTENT_GENERATION_KEY) or "uncached"
    return generation


def content_changed():
    """Every cached fragment is out of date from now on."""
    cache.set(CONTENT_GENERATION_KEY, secrets.token_hex(6), None)


def audience_key(user):
    paths = hidden_page_paths(user)
    if not paths:
        return "all"
    return hashlib.sha256("\n".join(paths).encode()).hexdigest()[:16]


def fragment_key(name, user, *parts):
    return ":".join([name, content_generation(), audience_key(user), *(str(p) for p in parts)])
