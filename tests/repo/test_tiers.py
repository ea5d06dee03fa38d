"""Every test is in exactly one tier: `make test-fast` runs the fast one, `make test` runs that one
first and then the rest, and the two together are the whole collection, nothing left out and
nothing run twice.

Read from the commands make runs (`make -n`), then collected by pytest itself, so that a change to
the Makefile's selections, to a marker or to pyproject.toml's test paths is caught here.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest

from settings import REPO_ROOT

pytestmark = pytest.mark.integration

# Every install layer treated as done: the tests look at the pytest commands, not the installs.
INSTALLED = ["-o", ".venv/.test-installed", "-o", "install-test"]
# Not the make that runs these tests: its command-line variables (PYTEST_ARGS) reach a child
# make through MAKEFLAGS.
ENVIRON = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}


def _make_n(*args: str) -> str:
    return subprocess.run(
        ["make", "-s", "-n", *args],
        cwd=REPO_ROOT,
        env=ENVIRON,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def _pytest_runs(target: str) -> list[list[str]]:
    """The arguments of each pytest that `make <target>` runs, in order."""
    runs = re.findall(r" -m pytest (.*?) \|\| status=", _make_n(*INSTALLED, target))
    return [shlex.split(run) for run in runs]


def _collected(proc: subprocess.Popen[str]) -> tuple[set[str], int]:
    """(the test ids a `pytest --collect-only -q` selected, the size of the whole collection)."""
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, out[-3000:] + err[-3000:]
    ids = {line for line in out.splitlines() if "::" in line}
    if m := re.search(r"^(\d+)/(\d+) tests? collected", out, flags=re.M):
        selected, whole = int(m[1]), int(m[2])
    else:
        m = re.search(r"^(\d+) tests? collected", out, flags=re.M)
        assert m, out[-2000:]
        selected = whole = int(m[1])
    assert len(ids) == selected, f"{len(ids)} test ids for {selected} collected"
    return ids, whole


def test_test_fast_is_the_first_tier_of_make_test() -> None:
    (fast,) = _pytest_runs("test-fast")
    tiers = _pytest_runs("test")
    assert len(tiers) == 2, tiers
    assert tiers[0] == fast, "make test must run the fast tier first, as make test-fast does"


def test_the_tiers_split_the_whole_collection() -> None:
    collections = [
        subprocess.Popen(
            [sys.executable, "-m", "pytest", "--collect-only", "-q", *args],
            cwd=REPO_ROOT,
            env=ENVIRON,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in _pytest_runs("test")
    ]
    (fast, whole), (rest, whole_again) = (_collected(p) for p in collections)
    assert whole == whole_again
    assert fast, "the fast tier is empty"
    assert rest, "the slow tier is empty"
    assert not fast & rest, f"in both tiers: {sorted(fast & rest)[:10]}"
    assert len(fast) + len(rest) == whole, "a test is in neither tier"
    in_e2e = sorted(i for i in fast if i.startswith("tests/e2e/"))
    assert not in_e2e, f"e2e tests without the e2e marker: {in_e2e[:10]}"


def test_the_fast_tier_needs_no_apt_step() -> None:
    """make test-fast installs the Python test tools at most, never the Debian packages."""
    rendered = _make_n("-o", ".venv/.test-installed", "test-fast")
    assert "install-system-packages" not in rendered
    assert "apt-get" not in rendered
    assert rendered.count(" -m pytest ") == 1
