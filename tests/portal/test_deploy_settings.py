"""Production settings: `check --deploy` is clean with the documented sample environment, and
the secret key has no default."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def sample_environment():
    text = (ROOT / "docs" / "deploy.md").read_text()
    block = re.search(r"<!-- sample-env:start -->\s*```sh\n(.*?)```", text, re.S).group(1)
    env = {}
    for line in block.strip().splitlines():
        key, _, value = line.partition("=")
        env[key] = value
    return env


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_prints_no_warning_with_the_documented_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=sample_environment())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = sample_environment()
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_requires_mfa_by_default():
    env = sample_environment()
    result = run_manage(
        "shell", "-c", "from django.conf import settings; print(settings.PORTAL_MFA_REQUIRED)",
        env=env,
    )
    assert result.stdout.strip().endswith("True"), result.stderr


def test_with_redis_the_cache_and_sessions_live_there():
    """DJANGO_REDIS_URL (in the documented environment) gives a Redis cache whose client
    library is installed, and sessions cached there in front of the database."""
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; from django.core.cache import caches; "
        "print(type(caches['default']._cache.get_client(write=False)).__module__); "
        "print(settings.SESSION_ENGINE)",
        env=sample_environment(),
    )
    assert result.returncode == 0, result.stderr
    module, engine = result.stdout.split()[-2:]
    assert module.startswith("redis")
    assert engine == "django.contrib.sessions.backends.cached_db"


def test_opensearch_is_selected_by_environment_with_the_documented_index_names():
    env = {**sample_environment(), "DJANGO_SEARCH_BACKEND": "opensearch"}
    result = run_manage(
        "shell",
        "-c",
        "from wagtail.search.backends import get_search_backend; from wagtail.models import Page; "
        "backend = get_search_backend(); "
        "print(type(backend).__name__, backend.get_index_for_model(Page).name)",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    backend, index = result.stdout.split()[-2:]
    assert (backend, index) == ("OpenSearch2SearchBackend", "spoc_portal_wagtailcore_page")


def test_the_documented_environment_ships_no_usable_encryption_key():
    from cryptography.fernet import Fernet

    key = sample_environment()["DJANGO_MFA_ENCRYPTION_KEY"]
    try:
        Fernet(key.encode())
    except ValueError:
        pass  # a placeholder, as it should be
    else:
        raise AssertionError("docs/deploy.md shows a working Fernet key; show a placeholder")
    assert "Fernet.generate_key()" in (ROOT / "docs" / "deploy.md").read_text()
