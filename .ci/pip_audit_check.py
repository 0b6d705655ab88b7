"""`pip-audit --strict` over the locked requirements, failing only when it could check.

    python .ci/pip_audit_check.py [--status FILE]      lock this virtualenv, then audit the lock
    python .ci/pip_audit_check.py --requirements FILE  audit FILE as it is

1. The lock: `pip freeze --exclude-editable` of the running virtualenv, i.e. exactly the
   packages (and versions) that the tests ran with; pyproject.toml's ranges resolve to these
   today. Written fresh each time (under var/, git-ignored): a checked-in lock would drift from
   what `pip install -e .[dev,security]` actually installed.
2. A canary: pip-audit is asked about Django 3.2.0, a release with published vulnerabilities,
   through each vulnerability service in turn (PyPI's JSON API, then OSV). A service that
   cannot be reached, does not know the release, or reports nothing for it cannot check.
3. With the first service that passed the canary: `pip-audit --strict` over the lock. Its exit
   status is ours: 1 when a package has a known vulnerability or could not be audited.
   When no service passed the canary, it says loudly that NOTHING WAS CHECKED and exits 0
   (this machine reaches package indexes but no vulnerability database).

The one-line outcome is printed last, and written to FILE with --status (the CI summary).
PORTAL_AUDIT_SERVICES (e.g. "osv") and PORTAL_OSV_URL (an OSV mirror) change where it asks."""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_LOCK = ROOT / "var" / "ci" / "requirements-lock.txt"
SERVICES = os.environ.get("PORTAL_AUDIT_SERVICES", "pypi,osv").split(",")
OSV_URL = os.environ.get("PORTAL_OSV_URL")
CANARY = "django==3.2"  # CVE-2021-31542 and many more
TIMEOUT = 20  # seconds per request (pip-audit's --timeout)


def run(*args, timeout=600):
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, check=False
    )


def write_lock(path):
    frozen = run("-m", "pip", "freeze", "--exclude-editable")
    if frozen.returncode != 0:
        sys.exit(f"pip freeze failed:\n{frozen.stderr}")
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [line for line in frozen.stdout.splitlines() if line and not line.startswith("#")]
    path.write_text("\n".join(lines) + "\n")
    return len(lines)


def audit_args(service, requirements):
    extra = ["--osv-url", OSV_URL] if service == "osv" and OSV_URL else []
    return [
        "-m",
        "pip_audit",
        *extra,
        "--requirement",
        str(requirements),
        "--no-deps",  # the lock is complete: every installed package, pinned
        "--disable-pip",  # nothing is resolved or installed, only looked up
        "--vulnerability-service",
        service,
        "--timeout",
        str(TIMEOUT),
        "--progress-spinner",
        "off",
    ]


def short_reason(stderr):
    if "NameResolutionError" in stderr or "Name or service not known" in stderr:
        return "its host name does not resolve (no network to it)"
    if "ConnectionError" in stderr or "Connection refused" in stderr:
        return "no connection to it"
    if "Timeout" in stderr:
        return "no answer in time"
    return (stderr.strip().splitlines() or ["no output"])[-1][:160]


def canary(service):
    """(True, "") when `service` reports the canary's vulnerabilities, else (False, why)."""
    with tempfile.TemporaryDirectory() as tmp:
        requirements = pathlib.Path(tmp) / "canary.txt"
        requirements.write_text(CANARY + "\n")
        try:
            result = run(*audit_args(service, requirements), "--format", "json", timeout=180)
        except subprocess.TimeoutExpired:
            return False, "no answer within 180 s"
    try:
        report = json.loads(result.stdout)
    except ValueError:
        if "usage:" in result.stderr or "No module named" in result.stderr:
            # Our mistake, not the network's: never reported as "could not check".
            sys.exit(f"pip-audit did not run:\n{result.stderr}")
        return False, short_reason(result.stderr)
    for dependency in report.get("dependencies", []):
        if dependency.get("vulns"):
            return True, ""
        reason = dependency.get("skip_reason")
        if reason and "not found on PyPI" in reason:
            return False, f"it has no per-release record of {CANARY} (a mirror without them)"
        if reason:
            return False, reason[:160]
    return False, f"it reports no vulnerability for {CANARY}, which has several"


def finish(status, code, path):
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(status + "\n")
    print(status)
    return code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requirements", type=pathlib.Path, help="audit this file as it is")
    parser.add_argument("--status", type=pathlib.Path, help="write the outcome's line here")
    args = parser.parse_args()
    if args.requirements:
        lock = args.requirements
        count = sum(1 for line in lock.read_text().splitlines() if "==" in line)
    else:
        lock = DEFAULT_LOCK
        count = write_lock(lock)
        print(f"Lock: {count} packages from `pip freeze --exclude-editable` in {lock}")
    reasons = []
    for service in SERVICES:
        usable, why = canary(service)
        if usable:
            break
        reasons.append(f"{service}: {why}")
        print(f"Vulnerability service {service!r} cannot check: {why}")
    else:
        return finish(
            "pip-audit: NOT CHECKED, no vulnerability service could be used from here "
            f"({'; '.join(reasons)}). This is not a pass: no package was audited.",
            0,
            args.status,
        )
    print(f"Vulnerability service {service!r} answers; auditing {count} packages (--strict).")
    result = run(*audit_args(service, lock), "--strict", "--desc", "on")
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode == 0:
        return finish(
            f"pip-audit: {count} packages checked with {service}, none vulnerable", 0, args.status
        )
    return finish(
        f"pip-audit: FAILED with {service} (exit {result.returncode}): a known vulnerability, "
        "or a package that could not be audited; see above",
        1,
        args.status,
    )


if __name__ == "__main__":
    sys.exit(main())
