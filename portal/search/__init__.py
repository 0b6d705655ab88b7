"""Site search: the portal's modelsearch backend on Whoosh (see docs/search.md).

All Whoosh code lives in ``portal.search.whoosh_backend``; this package imports nothing from it
at import time, so settings can name the backend without loading Whoosh.
"""
