# SPOC Network Portal. `make run` sets up and serves a demo portal; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: check-fresh run system-deps install migrate demo index serve test browser-deps lint check clean security security-lint security-audit security-fuzz

run: install migrate demo index serve

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e ".[dev,security]"
	touch $@

install: $(VENV)/.installed system-deps

# Pango (WeasyPrint draws the PDF exports with it) and a font; installed when missing.
system-deps:
	@bash .ci/system-packages pdf

migrate: install
	$(PY) manage.py migrate --noinput

demo: install
	$(PY) manage.py seed_demo

index: install
	$(PY) manage.py update_index

# Tasks queued by migrating and seeding (search-index updates) are worked off first, so that
# the worker's log does not bury the demo logins; then the worker and the web server run.
serve: install
	@$(PY) manage.py db_worker --batch --queue-name '*' --verbosity 0
	@echo ""
	@$(PY) manage.py seed_demo | sed -n '/Demo logins/,$$p'
	@echo ""
	@echo "Portal: http://$(HOST):$(PORT)/   (admin: http://$(HOST):$(PORT)/admin/)"
	@echo "Background worker and web server running; stop both with Ctrl+C."
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker --no-reload --queue-name '*' & \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# Debian's chromium for the browser tests (never Playwright's downloads), khal (the real calendar
# client the .ics import tests use) and axe-core from npm; each installed only when missing.
browser-deps:
	@bash .ci/system-packages browser
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

# The whole suite, browser tests included (they fail, never skip, without chromium). The API's
# schema fuzz is left to `make security`.
test: install browser-deps
	$(PY) manage.py makemigrations --check --dry-run --settings=portal.settings.test
	$(PY) -m pytest -m "not fuzz" $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-search-conformance PYTEST_ARGS=

lint: install
	$(VENV)/bin/ruff check .

check: install
	DJANGO_SECRET_KEY=check-only-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz \
	DJANGO_ALLOWED_HOSTS=portal.example.eu \
	$(PY) manage.py check --deploy --fail-level WARNING --settings=portal.settings.production

clean:
	rm -rf $(VENV) node_modules var

# The security pass (docs/security.md, "Security checks in CI"): ruff's bandit rules (S),
# pip-audit of the locked packages (fails only when a vulnerability database answered), and
# the schema fuzz of the JSON API (PORTAL_FUZZ_EXAMPLES=300 to look further). `make -k
# security` runs every part even when one fails.
security: security-lint security-audit security-fuzz

security-lint: install
	$(VENV)/bin/ruff check --select S --no-cache --output-format concise .

security-audit: install
	$(PY) .ci/pip_audit_check.py --status var/ci/pip-audit-status

security-fuzz: install
	$(PY) -m pytest -m fuzz tests/portal/test_api_schema_fuzz.py $(PYTEST_ARGS)

# modelsearch's shared backend tests (BackendTests) against the portal's Whoosh search backend.
# The suite comes from modelsearch's sdist, fetched with pip and unpacked into var/conformance/
# (git-ignored) at test time; it runs in its own pytest invocation with its own settings.
# The site-search tests against a live OpenSearch (skipped in `make test` when none answers):
# make test-opensearch OPENSEARCH_URLS=http://opensearch.internal:9200
OPENSEARCH_URLS ?= http://localhost:9200
.PHONY: test-opensearch
test-opensearch: install
	DJANGO_TEST_OPENSEARCH_URLS=$(OPENSEARCH_URLS) $(PY) -m pytest tests/search/test_opensearch.py -rs $(PYTEST_ARGS)

.PHONY: test-search-conformance
test-search-conformance: install
	$(PY) tests/search_conformance/fetch_suite.py
	$(PY) -m pytest -c tests/search_conformance/pytest.ini tests/search_conformance -p no:randomly $(PYTEST_ARGS)

# Search benchmark (prints figures, asserts nothing): Whoosh next to modelsearch's database
# backend on generated fact sheets; see docs/performance.md. BENCH_ARGS="--docs 1000" etc.
.PHONY: bench-search
bench-search: install
	$(PY) -m bench.search $(BENCH_ARGS)

# Site-search API benchmark (prints figures, asserts nothing): GET /api/v1/search and /search/
# as an officer over 10,000 Presidency updates, server time through Django's test client.
# BENCH_ARGS="--docs 2000", "--keep /tmp/sapi" (reuse the built data), "--profile 'police'".
.PHONY: bench-search-api
bench-search-api: install
	$(PY) -m bench.search_api $(BENCH_ARGS)

# Search quality (prints figures, asserts nothing): nDCG@10 of the judged query set in
# tests/search/judged.py, every word required versus partial matches; see docs/performance.md.
.PHONY: bench-quality
bench-quality: install
	$(PY) -m bench.search_quality

# Page benchmark (prints figures, asserts nothing): SQL queries and server time of the main
# pages with 31 countries x 11 fact sheets; see docs/performance.md.
.PHONY: bench-pages
bench-pages: install
	$(PY) -m bench.pages $(BENCH_ARGS)

# Load benchmark (prints figures, asserts nothing): gunicorn with the production settings on a
# throw-away copy of the demo data, 8 concurrent signed-in clients over a page mix, loopback only;
# see docs/performance.md. BENCH_ARGS="--workers 2 --threads 4 --database-url postgres://…".
.PHONY: bench-load
bench-load: install
	$(PY) -m bench.load $(BENCH_ARGS)

# Training benchmark (prints figures, asserts nothing): 31 countries x 20 sessions x 600
# nominations; the needs matrix, session, plan and nominations pages, the API session list.
.PHONY: bench-training
bench-training: install
	$(PY) -m bench.training $(BENCH_ARGS)

# The README's two commands as a new user runs them: a fresh clone of the committed HEAD, with a
# fresh virtualenv and no node_modules, outside this working tree. `make run` stops before serving.
.PHONY: check-fresh
check-fresh:
	@set -e; dir=$$(mktemp -d /tmp/portal-fresh.XXXXXX); trap 'rm -rf "$$dir"' EXIT; \
	  git clone --quiet --no-hardlinks . "$$dir/portal"; cd "$$dir/portal"; \
	  echo "Fresh clone of $$(git rev-parse --short HEAD) in $$dir/portal"; \
	  $(MAKE) --no-print-directory install migrate demo index PYTHON=$(PYTHON); \
	  $(MAKE) --no-print-directory test PYTHON=$(PYTHON) PYTEST_ARGS="$(PYTEST_ARGS)"
