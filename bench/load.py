"""Load benchmark: gunicorn with the production settings under concurrent logged-in clients.

    .venv/bin/python -m bench.load [--clients 8] [--seconds 30] [--workers 4] [--threads 1]
                                   [--database-url postgres://…] [--sheets-per-country 7]
    make bench-load BENCH_ARGS="--workers 2 --threads 4"

Builds a throw-away installation in a temporary directory (its own SQLite file, or a fresh
PostgreSQL database given by ``--database-url`` whose tables are dropped and made again): the
migrations, the demo data, ``--sheets-per-country`` fact sheets per country (7: about 220 in
all), the search index. It then starts gunicorn on 127.0.0.1 with ``portal.settings.production``,
signs a Head of SPOC in through the login form, and drives ``--clients`` concurrent clients for
``--seconds`` over a mix of pages: dashboard, knowledge index, a fact sheet, a comparison, a
meeting page, the search page, the search API and the meetings API. It prints the median and
95th percentile per page, the requests per second and any error, then stops gunicorn and
removes the directory. Traffic goes to the loopback address only.

Differences from a real deployment, on purpose: no TLS (the proxy's job), MFA not required
(the bench cannot read an authenticator), the per-user rate limits raised so one user's eight
clients are not throttled, and no task worker (emails and query-log flushes queue up in the
database as they would while a worker is busy). The clients run in this process, on the same
machine: their CPU is part of the figures. Nothing is asserted; figures go to
docs/performance.md.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "spoc-demo-2026"  # noqa: S105 - the public demo password of seed_demo
HEAD = "head.be@example.eu"


def environment(directory, database_url):
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "portal.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_BASE_URL": "http://127.0.0.1",
            "DJANGO_SQLITE_PATH": str(directory / "db.sqlite3"),
            "DJANGO_VAR_DIR": str(directory / "var"),
            "DJANGO_SEARCH_INDEX_PATH": str(directory / "var" / "search-index"),
            "DJANGO_MEDIA_ROOT": str(directory / "media"),
            "DJANGO_STATIC_ROOT": str(directory / "static"),
            "DJANGO_MFA_REQUIRED": "false",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_HSTS_PRELOAD": "false",
            "DJANGO_RATE_LIMIT_SEARCH": "1000000/m",
            "DJANGO_RATE_LIMIT_AUTOCOMPLETE": "1000000/m",
            "DJANGO_RATE_LIMIT_API": "1000000/m",
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.pop("DJANGO_DATABASE_URL", None)
    if database_url:
        env["DJANGO_DATABASE_URL"] = database_url
    return env


def prepare(sheets_per_country):
    """Runs inside the throw-away installation (a child process): data, index, URLs."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a fresh schema: the database is the bench's own
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    from bench.pages import build

    build(sheets_per_country)  # migrate, demo data, fact sheets
    call_command("update_index", verbosity=0)

    from knowledge.models import FactSheetIndexPage, FactSheetPage
    from meetings.models import MeetingPage

    meeting = MeetingPage.objects.live().order_by("-start").first()
    sheet = FactSheetPage.objects.live().get(country__code="BE", topic="hot-pursuit")
    pages = [
        ("Dashboard", "/"),
        ("Knowledge index", FactSheetIndexPage.objects.get().url),
        ("Fact sheet", sheet.url),
        ("Comparison, 4 countries", "/knowledge/compare/?topic=hot-pursuit&countries=BE,DE,FR,NL"),
        ("Meeting page", meeting.url),
        ("Search page", "/search/?" + urlencode({"q": "hot pursuit"})),
        ("Search API", "/api/v1/search?" + urlencode({"q": "surveillance limit"})),
        ("Meetings API", "/api/v1/meetings"),
    ]
    print(json.dumps({"pages": pages, "sheets": FactSheetPage.objects.count()}))


class Connection:
    """One client: a keep-alive HTTP connection to the loopback server with its cookies."""

    def __init__(self, port, cookies=None):
        self.port = port
        self.cookies = dict(cookies or {})
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            try:
                self.http.request(method, path, body=body, headers=headers)
                response = self.http.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.http.close()  # the server closed a kept-alive connection: open a new one
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), data


def log_in(port, email):
    client = Connection(port)
    status, _, body = client.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None:
        sys.exit(f"the login page answered {status} without a form")
    form = urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "login": email, "password": PASSWORD}
    )
    status, headers, _ = client.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 302 or "sessionid" not in client.cookies:
        sys.exit(f"signing in as {email} failed (HTTP {status})")
    return client.cookies


def wait_for(port, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("gunicorn stopped while starting")
        try:
            Connection(port).request("GET", "/accounts/login/")
            return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not answer in time")


def drive(port, cookies, pages, clients, seconds):
    timings = {label: [] for label, _ in pages}
    errors = {}
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client_loop(offset):
        connection = Connection(port, cookies)
        n = offset
        while time.monotonic() < stop_at:
            label, path = pages[n % len(pages)]
            n += 1
            start = time.perf_counter()
            try:
                status, _, _ = connection.request("GET", path)
            except OSError as error:
                status = type(error).__name__
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                if status == 200:
                    timings[label].append(elapsed)
                else:
                    errors[(label, status)] = errors.get((label, status), 0) + 1

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, errors, time.perf_counter() - started


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(timings, errors, duration, args, sheets):
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"\n{database}, {sheets} fact sheets, gunicorn {args.workers} worker(s) x "
        f"{args.threads} thread(s), {args.clients} clients for {duration:.0f} s"
    )
    print(f"{'page':<26} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8}")
    every = []
    for label, values in timings.items():
        every.extend(values)
        if values:
            p50, p95 = statistics.median(values), percentile(values, 0.95)
            print(f"{label:<26} {len(values):>8} {p50:>8.1f} {p95:>8.1f}")
        else:
            print(f"{label:<26} {0:>8} {'-':>8} {'-':>8}")
    failed = sum(errors.values())
    p50, p95 = statistics.median(every), percentile(every, 0.95)
    print(f"{'all':<26} {len(every):>8} {p50:>8.1f} {p95:>8.1f}")
    print(f"throughput: {(len(every) + failed) / duration:.1f} requests/s, errors: {failed}")
    for (label, status), count in sorted(errors.items(), key=str):
        print(f"  {label}: {status} x {count}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--sheets-per-country", type=int, default=7)
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL database the bench may wipe"
    )
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        prepare(args.sheets_per_country)
        return

    directory = Path(tempfile.mkdtemp(prefix="portal-bench-load-"))
    env = environment(directory, args.database_url)
    python = sys.executable
    server = None
    try:
        started = time.perf_counter()
        built = subprocess.run(  # noqa: S603 - our own interpreter and module
            [
                python,
                "-m",
                "bench.load",
                "--prepare",
                "--sheets-per-country",
                str(args.sheets_per_country),
            ],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        setup = json.loads(built.stdout.strip().splitlines()[-1])
        print(f"Prepared in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        gunicorn = Path(python).with_name("gunicorn")
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn, bound to the loopback
            [
                str(gunicorn),
                "portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        wait_for(args.port, server)
        cookies = log_in(args.port, HEAD)
        pages = [tuple(page) for page in setup["pages"]]
        for _, path in pages:  # warm every worker's templates and caches a little
            Connection(args.port, cookies).request("GET", path)
        timings, errors, duration = drive(args.port, cookies, pages, args.clients, args.seconds)
        report(timings, errors, duration, args, setup["sheets"])
    except subprocess.CalledProcessError as error:
        sys.exit(f"preparing the installation failed:\n{error.stderr[-3000:]}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
