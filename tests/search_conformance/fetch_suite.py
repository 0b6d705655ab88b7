"""Fetch modelsearch's shared backend test suite for the conformance run.

modelsearch ships ``BackendTests`` and its test app in the source distribution on PyPI, but not
the fixture the tests load. This script downloads the sdist of the *installed* modelsearch
version with pip, unpacks it into ``var/conformance/modelsearch`` (git-ignored) and copies the
fixture kept in ``tests/search_conformance/fixtures/search.json`` (BSD, see LICENSE there) into
``modelsearch/test/testapp/fixtures/``. Nothing is downloaded when the tree is already there.
"""

import importlib.metadata
import shutil
import subprocess  # noqa: S404
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "var" / "conformance" / "modelsearch"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "search.json"


def main():
    version = importlib.metadata.version("modelsearch")
    stamp = TARGET / ".version"
    if stamp.exists() and stamp.read_text().strip() == version:
        return 0
    if TARGET.exists():
        shutil.rmtree(TARGET)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(  # noqa: S603
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--no-binary", ":all:", f"modelsearch=={version}", "--dest", tmp],
            check=True,
        )
        (archive,) = Path(tmp).glob("modelsearch-*.tar.gz")
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        (unpacked,) = (p for p in Path(tmp).iterdir() if p.is_dir())
        TARGET.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(unpacked, TARGET)
    fixtures = TARGET / "modelsearch" / "test" / "testapp" / "fixtures"
    fixtures.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE, fixtures / "search.json")
    stamp.write_text(version + "\n")
    print(f"modelsearch {version} test suite unpacked into {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
