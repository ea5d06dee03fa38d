"""The committed artifacts of every environment, at a git revision or in the working tree.

An environment's artifacts are its Terraform JSON (cdktf.out/stacks/<stack>/cdk.tf.json) and
its manifests (dist/*.k8s.yaml for the default environment, dist/<env>/*.k8s.yaml for the
others; settings/load.py's manifests_dir). They are found by their paths and paired by the
environment named inside the stack (the google provider's `default_labels.environment`), so
that a revision whose config files the current settings model no longer reads is still
compared: nothing here loads a config.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from settings.load import DEFAULT_ENV

STACKS = PurePosixPath("cdktf.out/stacks")
DIST = PurePosixPath("dist")
MAIN_BRANCHES = ("main", "origin/main")


class ReviewError(Exception):
    """A problem the user fixes (a bad revision, a broken artifact): one message, exit 2."""


@dataclass
class Artifacts:
    """One environment's artifacts on one side of the comparison."""

    stack: str | None = None  # the stack's folder name
    terraform: dict[str, Any] | None = None
    manifest_dir: str | None = None  # dist or dist/<env>
    manifests: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stack_file(self) -> str | None:
        return f"{STACKS}/{self.stack}/cdk.tf.json" if self.stack else None


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=60
    )
    if result.returncode != 0:
        raise ReviewError(f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result.stdout


def default_base(repo: Path) -> str:
    """The merge base of HEAD with main (or origin/main on a clone that has no local main)."""
    for branch in MAIN_BRANCHES:
        try:
            git("rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}", cwd=repo)
        except ReviewError:
            continue
        return git("merge-base", "HEAD", branch, cwd=repo).strip()
    raise ReviewError(
        "no branch main or origin/main to take the merge base with: pass BASE=<git ref> "
        "(for example BASE=HEAD~1)"
    )


def resolve(ref: str, repo: Path) -> str:
    try:
        return git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", cwd=repo).strip()
    except ReviewError:
        raise ReviewError(
            f"BASE={ref!r} is not a commit in this clone (a shallow clone needs "
            "fetch-depth: 0, or git fetch --unshallow)"
        ) from None


def _is_artifact(path: PurePosixPath) -> bool:
    if path.parts[:2] == STACKS.parts and len(path.parts) == 4:
        return path.name == "cdk.tf.json"
    if path.parts[:1] == DIST.parts and path.name.endswith(".k8s.yaml"):
        return len(path.parts) in (2, 3)
    return False


def read_revision(rev: str, repo: Path) -> dict[str, Artifacts]:
    """Every environment's artifacts as committed at `rev`."""
    listing = git("ls-tree", "-r", "--name-only", rev, "--", str(STACKS), str(DIST), cwd=repo)
    files = {}
    for name in listing.splitlines():
        path = PurePosixPath(name)
        if _is_artifact(path):
            files[path] = git("show", f"{rev}:{name}", cwd=repo)
    return _group(files, where=f"at {rev[:12]}")


def read_worktree(repo: Path) -> dict[str, Artifacts]:
    """Every environment's artifacts in the working tree (what the next commit holds)."""
    found = [*repo.glob(f"{STACKS}/*/cdk.tf.json"), *repo.glob(f"{DIST}/*.k8s.yaml")]
    found += repo.glob(f"{DIST}/*/*.k8s.yaml")
    files = {
        PurePosixPath(p.relative_to(repo).as_posix()): p.read_text(encoding="utf-8") for p in found
    }
    return _group(files, where="in the working tree")


def _group(files: dict[PurePosixPath, str], *, where: str) -> dict[str, Artifacts]:
    envs: dict[str, Artifacts] = {}
    for path, text in sorted(files.items()):
        if path.name == "cdk.tf.json":
            stack = path.parts[2]
            try:
                doc = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ReviewError(f"{path} {where}: not valid JSON: {exc}") from None
            env = stack_environment(doc) or stack
            envs.setdefault(env, Artifacts()).stack = stack
            envs[env].terraform = doc
        else:
            env = DEFAULT_ENV if len(path.parts) == 2 else path.parts[1]
            art = envs.setdefault(env, Artifacts())
            art.manifest_dir = str(path.parent)
            try:
                art.manifests += [
                    {**obj, "__file__": path.name}
                    for obj in yaml.safe_load_all(text)
                    if isinstance(obj, dict)
                ]
            except yaml.YAMLError as exc:
                raise ReviewError(f"{path} {where}: not valid YAML: {exc}") from None
    return envs


def stack_environment(doc: dict[str, Any]) -> str | None:
    """The environment a stack belongs to: the label every resource of it carries."""
    for provider in doc.get("provider", {}).get("google", []):
        env = (provider.get("default_labels") or {}).get("environment")
        if env:
            return str(env)
    return None
