"""Search benchmark: the portal's Whoosh backend next to modelsearch's database backend on the
same generated fact sheets. Run ``make bench-search`` or ``python -m bench.search --help``."""
