""".ci/pip_audit_check.py, the dependency audit of `make security`: it fails on a known
vulnerability when a vulnerability service answers, and says it checked nothing (exit 0) when
none does. The service here is a stand-in for OSV on 127.0.0.1 that pip-audit really queries."""

import json
import pathlib
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "pip_audit_check.py"

DJANGO_VULN = {
    "id": "GHSA-xxxx-django-canary",
    "summary": "Canary vulnerability",
    "affected": [
        {
            "package": {"name": "django", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.2.1"}]}],
        }
    ],
}


class FakeOSV(BaseHTTPRequestHandler):
    vulnerable = {}  # package name -> list of OSV entries

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        vulns = self.vulnerable.get(query["package"]["name"], [])
        body = json.dumps({"vulns": vulns} if vulns else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def osv():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOSV)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeOSV.vulnerable = {"django": [DJANGO_VULN]}
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query", FakeOSV.vulnerable
    server.shutdown()
    server.server_close()


def audit(tmp_path, osv_url, requirements="idna==3.10\nsqlparse==0.5.3\n"):
    lock = tmp_path / "lock.txt"
    lock.write_text(requirements)
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PORTAL_AUDIT_SERVICES": "osv",
        "PORTAL_OSV_URL": osv_url,
    }
    return subprocess.run(  # noqa: S603 - our interpreter and script
        [sys.executable, str(SCRIPT), "--requirements", str(lock)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_clean_lock_passes_and_says_what_it_checked(tmp_path, osv):
    result = audit(tmp_path, osv[0])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pip-audit: 2 packages checked with osv, none vulnerable" in result.stdout


def test_known_vulnerability_fails(tmp_path, osv):
    url, vulnerable = osv
    vulnerable["sqlparse"] = [
        {
            **DJANGO_VULN,
            "id": "GHSA-test-sqlparse",
            "affected": [{"package": {"name": "sqlparse", "ecosystem": "PyPI"}, "ranges": []}],
        }
    ]
    result = audit(tmp_path, url)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "GHSA-test-sqlparse" in result.stdout
    assert "pip-audit: FAILED with osv" in result.stdout


def test_service_that_reports_nothing_for_the_canary_cannot_check(tmp_path, osv):
    url, vulnerable = osv
    vulnerable.clear()  # answers, but knows no vulnerability: not a vulnerability database
    result = audit(tmp_path, url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pip-audit: NOT CHECKED" in result.stdout
    assert "no package was audited" in result.stdout
    assert "none vulnerable" not in result.stdout


def test_unreachable_service_cannot_check(tmp_path):
    result = audit(tmp_path, "http://127.0.0.1:9/v1/query")  # the discard port: refused
    assert result.returncode == 0, result.stdout + result.stderr
    assert "pip-audit: NOT CHECKED" in result.stdout
