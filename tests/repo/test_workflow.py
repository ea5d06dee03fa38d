"""The pull-request workflow does what docs/development.md says: it cannot run here, so its
shape is tested.

actionlint checks it as GitHub would read it (tests/repo/test_lint.py). Here: it installs through
the same make targets as a developer, fails on a stale dist/ or snapshot, runs `make test`, uploads
what synth wrote, and holds no more permission than reading the repository.
"""

from __future__ import annotations

import fnmatch
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, Settings

WORKFLOW = REPO_ROOT / ".github" / "workflows" / "pr.yaml"


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    jobs = workflow["jobs"]
    assert len(jobs) == 1, "one job: synth, check, test, upload"
    (job,) = jobs.values()
    assert str(job["runs-on"]).startswith("ubuntu-")
    assert job.get("timeout-minutes", 360) <= 90
    return list(job["steps"])


def _index(steps: list[dict[str, Any]], predicate: Any) -> int:
    found = [i for i, step in enumerate(steps) if predicate(step)]
    assert len(found) == 1, f"expected one matching step, found {len(found)}"
    return found[0]


def test_runs_on_pull_requests_with_read_only_token(workflow: dict[Any, Any]) -> None:
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    triggers = workflow.get("on", workflow.get(True))
    assert triggers is not None
    assert "pull_request" in (triggers if isinstance(triggers, (dict, list)) else [triggers])
    assert "pull_request_target" not in triggers  # would run untrusted code with secrets
    assert workflow["permissions"] == {"contents": "read"}


def test_every_action_is_pinned_by_a_version_tag(steps: list[dict[str, Any]]) -> None:
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses
    for ref in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})", ref), ref
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False


def test_python_is_the_projects(steps: list[dict[str, Any]]) -> None:
    setup = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    pyproject = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    minimum = re.search(r'requires-python = ">=(\d+\.\d+)"', pyproject)
    assert minimum
    assert str(setup["with"]["python-version"]) == minimum[1]
    assert setup["with"]["cache-dependency-path"] == "requirements.lock"


def test_synth_then_stale_check_then_make_test(steps: list[dict[str, Any]]) -> None:
    synth = _index(steps, lambda s: s.get("run", "").strip() == "make synth-all")
    check = _index(steps, lambda s: "git diff --exit-code" in s.get("run", ""))
    test = _index(steps, lambda s: s.get("run", "").strip() == "make test")
    assert synth < check < test
    script = steps[check]["run"]
    assert 'reviewed="dist/ cdktf.out/stacks/ :(glob)tests/**/__snapshots__/**"' in script
    assert "git diff --exit-code -- $reviewed" in script
    assert "--untracked-files=all" in script  # a new file synth wrote counts as a difference


def test_the_fast_tier_fails_before_the_whole_suite_runs(steps: list[dict[str, Any]]) -> None:
    check = _index(steps, lambda s: "git diff --exit-code" in s.get("run", ""))
    fast = _index(steps, lambda s: s.get("run", "").strip() == "make test-fast")
    test = _index(steps, lambda s: s.get("run", "").strip() == "make test")
    assert check < fast < test


@pytest.mark.integration
def test_the_stale_check_fails_on_a_changed_manifest(
    steps: list[dict[str, Any]], tmp_path: Path
) -> None:
    """Run the step's script in a scratch repository: clean passes, an edit or new file fails."""
    script = next(s["run"] for s in steps if "git diff --exit-code" in s.get("run", ""))
    repo = tmp_path / "repo"
    (repo / "dist").mkdir(parents=True)
    snapshots = repo / "tests" / "k8s" / "__snapshots__" / "test_snapshots"
    snapshots.mkdir(parents=True)
    (repo / "dist" / "00-namespace.k8s.yaml").write_text("kind: Namespace\n")

    def sh(command: str) -> int:
        return subprocess.run(
            ["bash", "-eo", "pipefail", "-c", command],
            cwd=repo,
            capture_output=True,
            check=False,
        ).returncode

    git = "git -c user.name=t -c user.email=t@example.com"
    assert sh(f"git init -q && git add -A && {git} commit -qm init") == 0
    assert sh(script) == 0
    (repo / "dist" / "00-namespace.k8s.yaml").write_text("kind: Namespace\nchanged: 1\n")
    assert sh(script) != 0
    (repo / "dist" / "00-namespace.k8s.yaml").write_text("kind: Namespace\n")
    assert sh(script) == 0
    (snapshots / "new.yaml").write_text("x: 1\n")
    assert sh(script) != 0


@pytest.mark.integration
def test_the_make_targets_it_calls_exist() -> None:
    for target in ("synth-all", "test", "review"):
        subprocess.run(
            ["make", "-n", "-o", "install", target],
            cwd=REPO_ROOT,
            capture_output=True,
            check=True,
        )


def test_uploads_what_synth_writes(steps: list[dict[str, Any]], default_settings: Settings) -> None:
    from infra.app import DEFAULT_OUTDIR
    from settings.load import DIST, manifests_dir

    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload.get("if") == "${{ !cancelled() }}"  # also when a test failed: for review
    paths = upload["with"]["path"].split()
    stack_json = (
        DEFAULT_OUTDIR / "stacks" / default_settings.names.terraform_stack / "cdk.tf.json"
    ).relative_to(REPO_ROOT)
    assert any(fnmatch.fnmatch(str(stack_json), p) for p in paths), paths
    assert f"{DIST.relative_to(REPO_ROOT)}/" in paths
    assert manifests_dir(default_settings) == DIST
    assert upload["with"]["if-no-files-found"] == "error"


def test_the_review_summary_runs_against_the_base_and_gates_data_loss(
    steps: list[dict[str, Any]],
) -> None:
    """make review after the fast tier (checkov is installed by then), even when a step before
    it failed, against the pull request's base commit, into the job summary; its exit status
    (unacknowledged data loss) fails the job. The checkout has the history the base needs."""
    fast = _index(steps, lambda s: s.get("run", "").strip() == "make test-fast")
    review = _index(steps, lambda s: s.get("run", "").startswith("make review "))
    test = _index(steps, lambda s: s.get("run", "").strip() == "make test")
    assert fast < review < test
    step = steps[review]
    assert step["if"] == "${{ !cancelled() }}"
    assert "continue-on-error" not in step
    assert step["env"]["BASE"] == "${{ github.event.pull_request.base.sha }}"
    assert 'BASE="$BASE"' in step["run"]
    assert "--summary-file $GITHUB_STEP_SUMMARY" in step["run"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
