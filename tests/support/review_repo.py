"""A scratch git repository holding real synthesized artifacts, for the review's tests.

Environments are synthesized in-process (tests/conftest.py's tf_synth and k8s_synth) from the
fixture config tests/configs/gke.yaml, edited, and written where the project commits them:
cdktf.out/stacks/<stack>/cdk.tf.json, dist/ (the default environment) or dist/<env>/.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from settings import Settings
from settings.load import DEFAULT_ENV, parse_settings
from tests.support.configs import FIXTURES

BASE_CONFIG = (FIXTURES / "gke.yaml").read_text(encoding="utf-8")
Edit = Callable[[dict[str, Any]], None]


def settings_of(env: str, edit: Edit | None = None) -> Settings:
    data = yaml.safe_load(BASE_CONFIG)
    if edit:
        edit(data)
    return parse_settings(yaml.safe_dump(data), env=env, source=f"{env}.yaml")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=60
    ).stdout


def init(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "review@test.invalid")
    git(repo, "config", "user.name", "review test")
    git(repo, "config", "commit.gpgsign", "false")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def manifests_dir(repo: Path, env: str) -> Path:
    return repo / "dist" if env == DEFAULT_ENV else repo / "dist" / env


def write_env(
    repo: Path,
    settings: Settings,
    tf: dict[str, Any],
    charts: dict[str, list[dict[str, Any]]],
) -> None:
    """An environment's artifacts as `make synth` publishes them (its files only)."""
    stack = repo / "cdktf.out" / "stacks" / settings.names.terraform_stack
    stack.mkdir(parents=True, exist_ok=True)
    (stack / "cdk.tf.json").write_text(json.dumps(tf, indent=2), encoding="utf-8")
    out = manifests_dir(repo, settings.environment)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.k8s.yaml"):
        old.unlink()
    for chart, objects in charts.items():
        (out / f"{chart}.k8s.yaml").write_text(yaml.safe_dump_all(objects), encoding="utf-8")


def remove_env(repo: Path, settings: Settings) -> None:
    shutil.rmtree(repo / "cdktf.out" / "stacks" / settings.names.terraform_stack)
    out = manifests_dir(repo, settings.environment)
    for old in out.glob("*.k8s.yaml"):
        old.unlink()
    if out.name != "dist":
        out.rmdir()


def reset(repo: Path) -> None:
    """The working tree back to HEAD."""
    git(repo, "checkout", "-q", "--", ".")
    git(repo, "clean", "-qfd")
