"""`make review` itself: BASE passes through, the default base is the merge base with main, and
the command runs on a clone of the repository (its history and committed artifacts)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from settings import REPO_ROOT
from tests.support.make import MAKE, OLD_STAMPS

pytestmark = pytest.mark.integration


def _make_n(*args: str) -> str:
    return subprocess.run(
        [MAKE, "-s", "-n", *OLD_STAMPS, "review", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def test_base_and_arguments_pass_through() -> None:
    assert '-m ops.review --base "HEAD~1" --no-checkov' in _make_n(
        "BASE=HEAD~1", "REVIEW_ARGS=--no-checkov"
    )
    assert "--base" not in _make_n()  # the merge base with main, found by ops.review


def test_review_on_a_clone_after_a_commit_that_changes_artifacts(tmp_path: Path) -> None:
    """A clone of this repository, one commit that edits dev's Terraform JSON by hand (the
    artifact, as a config change would after make synth-all), reviewed against HEAD~1 with the
    repository's own toolchain (a fresh clone would make install first)."""
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--no-hardlinks", str(REPO_ROOT), str(clone)],
        check=True,
        timeout=120,
    )
    (stack,) = clone.glob("cdktf.out/stacks/*-dev/cdk.tf.json")  # config/dev.yaml's stack
    doc = json.loads(stack.read_text())
    (instance,) = doc["resource"]["google_sql_database_instance"].values()
    tier = instance["settings"]["tier"]
    instance["settings"]["tier"] = "db-x"
    stack.write_text(json.dumps(doc, indent=2))
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@test.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@test.invalid"}
    subprocess.run(["git", "commit", "-qam", "tier"], cwd=clone, env=env, check=True)
    result = subprocess.run(
        [
            str(REPO_ROOT / ".venv/bin/python"),
            "-m",
            "ops.review",
            "--base",
            "HEAD~1",
            "--no-checkov",
            "--repo",
            str(clone),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f"`settings.tier`: `{tier}` → `db-x`" in result.stdout
    assert "## dev\n" in result.stdout
