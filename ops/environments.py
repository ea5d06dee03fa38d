"""Every environment of the config folder, and the committed outputs that belong to none.

    python -m ops.environments           # the environment names, one per line
    python -m ops.environments --prune   # delete outputs whose config file is gone

Listing them checks them first: every config valid, none spelled .yml, and no two sharing an
ingress host, a namespace of one cluster or a resource name in one project (settings/
conflicts.py). `make synth-all` lists them before synthesizing any, so it stops on the first
problem with every message, exit status 2.

Each config/<env>.yaml has committed output: its manifests (dist/ for the default environment,
dist/<env>/ for the others) and its Terraform JSON (cdktf.out/stacks/<stack>/cdk.tf.json).
`make synth-all` rewrites them all, then prunes those of removed environments.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from ops.cli import run
from settings.conflicts import conflicts
from settings.errors import ConfigError
from settings.load import config_dir, load_settings, manifests_dir, misnamed_configs
from settings.paths import DIST, REPO_ROOT, UPGRADE_SUBDIR

STACKS = REPO_ROOT / "cdktf.out" / "stacks"


def environments(folder: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (folder or config_dir()).glob("*.yaml"))


def checked_environments(folder: Path | None = None) -> list[str]:
    """The environment names, once every config is valid and none conflicts with another."""
    problems = misnamed_configs(folder)
    loaded = []
    for env in environments(folder):
        try:
            loaded.append(load_settings(env, folder))
        except ConfigError as exc:
            problems.append(str(exc))
    problems += conflicts(loaded)
    if problems:
        raise ConfigError("\n".join(problems))
    return [s.environment for s in loaded]


def orphans(folder: Path | None = None) -> list[Path]:
    """Committed outputs (dist/<x>/, stack folders) that no config file produces."""
    settings = [load_settings(env, folder) for env in environments(folder)]
    manifest_dirs = {manifests_dir(s) for s in settings}
    stacks = {s.names.terraform_stack for s in settings}
    owned = manifest_dirs | {d / UPGRADE_SUBDIR for d in manifest_dirs}
    found = [d for d in sorted(DIST.iterdir()) if d.is_dir() and d not in owned]
    if STACKS.is_dir():
        found += [
            d / "cdk.tf.json"
            for d in sorted(STACKS.iterdir())
            if d.is_dir() and d.name not in stacks and (d / "cdk.tf.json").is_file()
        ]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prune", action="store_true", help="delete orphaned outputs")
    args = parser.parse_args()
    if not args.prune:
        print("\n".join(checked_environments()))
        return
    for path in orphans():
        print(f"removing {path.relative_to(REPO_ROOT)} (no config file produces it)")
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


if __name__ == "__main__":
    run(main)
