"""Every environment of the config folder, and the committed outputs that belong to none.

    python -m ops.environments           # the environment names, one per line
    python -m ops.environments --prune   # delete outputs whose config file is gone

Each config/<env>.yaml has committed output: its manifests (dist/ for the default environment,
dist/<env>/ for the others) and its Terraform JSON (cdktf.out/stacks/<stack>/cdk.tf.json).
`make synth-all` rewrites them all, then prunes those of removed environments.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from ops.cli import run
from settings.load import config_dir, load_settings, manifests_dir
from settings.paths import DIST, REPO_ROOT, UPGRADE_SUBDIR

STACKS = REPO_ROOT / "cdktf.out" / "stacks"


def environments(folder: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (folder or config_dir()).glob("*.yaml"))


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
        print("\n".join(environments()))
        return
    for path in orphans():
        print(f"removing {path.relative_to(REPO_ROOT)} (no config file produces it)")
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


if __name__ == "__main__":
    run(main)
