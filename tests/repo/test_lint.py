"""The project's own code and hand-written files pass the linters `make test` promises.

ruff (lint + format) and mypy on the Python the project writes (pyproject.toml leaves out
imports/), yamllint on hand-written YAML (.yamllint.yaml ignores what synth writes), actionlint
(with shellcheck on `run:` scripts) on the GitHub workflows, and the pre-commit hooks that wire
the same tools. hadolint on the Dockerfile is test_image.py's. Each linter is also shown
to fail on a planted mistake, so a green run means "checked", not "not run".
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from settings import REPO_ROOT

pytestmark = pytest.mark.lint

BIN = REPO_ROOT / ".venv" / "bin"
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
# Hand-written YAML that yamllint must cover (others appear as the project grows).
HAND_WRITTEN_YAML = [
    "config/dev.yaml",
    "config/local.yaml",
    "cdk8s.yaml",
    ".github/workflows/pr.yaml",
    "mlflow_server/cloudbuild.yaml",
    ".pre-commit-config.yaml",
    ".yamllint.yaml",
]


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(BIN))
    assert path, f"{name} is not installed in .venv (make install)"
    return path


def _run(args: list[str], *, cwd: Path = REPO_ROOT, timeout: int = 600) -> str:
    """Run a linter; fail the test with its whole report when it finds anything."""
    proc = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{' '.join(args)}\n{proc.stdout}{proc.stderr}"
    return proc.stdout


def _fails(args: list[str], *, cwd: Path) -> str:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode != 0, f"{' '.join(args)} passed a planted mistake"
    return proc.stdout + proc.stderr


# ---------------------------------------------------------------- Python


def test_ruff_check() -> None:
    _run([_tool("ruff"), "check", "--no-cache", "--output-format=concise", "."])


def test_ruff_format() -> None:
    _run([_tool("ruff"), "format", "--check", "--no-cache", "--output-format=concise", "."])


def test_mypy() -> None:
    """Files, plugins and the imports/ exclusion come from pyproject.toml.

    The first run analyses the CDK provider packages (about a minute on two cores); later runs
    read .mypy_cache/ and take seconds.
    """
    out = _run([_tool("mypy")], timeout=900)
    assert "Success" in out


def test_ruff_leaves_out_generated_code() -> None:
    listed = _run([_tool("ruff"), "check", "--no-cache", "--show-files", "."])
    assert "/imports/" not in listed
    assert "/node_modules/" not in listed
    assert f"{REPO_ROOT}/ops/reference.py" in listed


def test_ruff_and_mypy_catch_planted_mistakes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\n\n\ndef f(x: int) -> str:\n    return x\n")
    assert "F401" in _fails([_tool("ruff"), "check", "--no-cache", str(bad)], cwd=REPO_ROOT)
    out = _fails([_tool("mypy"), "--no-incremental", str(bad)], cwd=tmp_path)
    assert "Incompatible return value" in out


# ---------------------------------------------------------------- YAML


def test_yamllint() -> None:
    _run([_tool("yamllint"), "--strict", "-f", "parsable", "."])


def test_yamllint_covers_hand_written_yaml_only() -> None:
    listed = {
        str(Path(p).relative_to("."))
        for p in _run([_tool("yamllint"), "--list-files", "."]).split()
    }
    missing = [p for p in HAND_WRITTEN_YAML if p not in listed]
    assert not missing, f"yamllint does not read {missing}"
    assert any(p.startswith("k8s/crds/") for p in listed)
    generated = [p for p in listed if p.split("/")[0] in {"dist", "cdktf.out", "cdk8s.out"}]
    generated += [p for p in listed if "/__snapshots__/" in p or p.startswith("node_modules/")]
    assert not generated, f"yamllint reads generated files: {generated}"


def test_yamllint_catches_a_planted_mistake(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("server:\n  replicas: 2\n  replicas: 3\n")
    out = _fails(
        [_tool("yamllint"), "--strict", "-c", str(REPO_ROOT / ".yamllint.yaml"), str(bad)],
        cwd=tmp_path,
    )
    assert "key-duplicates" in out


# ---------------------------------------------------------------- GitHub Actions


def _actionlint(*files: Path) -> list[str]:
    return [_tool("actionlint"), f"-shellcheck={_tool('shellcheck')}", *map(str, files)]


def test_actionlint() -> None:
    workflows = sorted(WORKFLOWS.glob("*.y*ml"))
    assert workflows, "no workflow under .github/workflows"
    _run(_actionlint(*workflows))


def test_actionlint_catches_planted_mistakes(tmp_path: Path) -> None:
    """A misspelt action input, an injectable expression and a shellcheck finding."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "on: pull_request\n"
        "jobs:\n"
        "  check:\n"
        "    runs-on: ubuntu-24.04\n"
        "    steps:\n"
        "      - uses: actions/checkout@v6\n"
        "        with:\n"
        "          fetch-deepth: 1\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
        "      - run: cd $HOME/x\n"
    )
    out = _fails(_actionlint(bad), cwd=tmp_path)
    assert "fetch-deepth" in out
    assert "potentially untrusted" in out
    assert "shellcheck reported issue" in out


# ---------------------------------------------------------------- pre-commit


def test_pre_commit_config_is_valid() -> None:
    _run([_tool("pre-commit"), "validate-config", ".pre-commit-config.yaml"])


def test_pre_commit_hooks_run_the_project_tools(tmp_path: Path) -> None:
    """The hooks in a scratch repository (never this checkout: pre-commit stashes changes).

    A planted mistake fails each hook (Python, YAML, workflow, Dockerfile); fixed files pass.
    """
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in (".pre-commit-config.yaml", ".yamllint.yaml", "pyproject.toml"):
        shutil.copy(REPO_ROOT / name, repo / name)
    (repo / ".venv").symlink_to(REPO_ROOT / ".venv")
    (repo / "ok.py").write_text('"""Fine."""\n\nVALUE = 1\n')
    (repo / "bad.py").write_text("import os\n")
    (repo / "bad.yaml").write_text("a: 1\na: 2\n")
    (repo / ".github" / "workflows").mkdir(parents=True)
    workflow = repo / ".github" / "workflows" / "ci.yaml"
    workflow.write_text(
        "on: pull_request\npermissions:\n  contents: read\njobs:\n  x:\n"
        "    runs-on: ubuntu-24.04\n    steps:\n      - uses: actions/checkout@v6\n"
        "        with:\n          fetch-deepth: 1\n"
    )
    (repo / "Dockerfile").write_text("FROM python:latest\n")
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=repo,
            env=env,
            check=True,
            capture_output=True,
        )

    def hooks(*ids: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [_tool("pre-commit"), "run", "--all-files", *ids],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    git("init", "-q")
    git("add", ".")
    for hook in ("ruff-check", "yamllint", "actionlint", "hadolint"):
        result = hooks(hook)
        assert result.returncode != 0, f"{hook} passed a planted mistake:\n{result.stdout}"
    (repo / "bad.py").write_text('"""Fixed."""\n')
    (repo / "bad.yaml").write_text("a: 1\n")
    workflow.write_text(workflow.read_text().replace("fetch-deepth", "fetch-depth"))
    (repo / "Dockerfile").write_text("FROM python:3.11.14-slim-trixie\nUSER 10001\n")
    git("add", ".")
    for hook in ("ruff-check", "ruff-format", "yamllint", "actionlint", "hadolint"):
        result = hooks(hook)
        assert result.returncode == 0, f"{hook}:\n{result.stdout}{result.stderr}"
