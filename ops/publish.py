"""Publish synthesized files atomically: outputs change only after a synth fully succeeded.

Both apps synthesize into a staging directory first. `publish` then moves each file into the
real output directory with os.replace (atomic on one filesystem) and removes files that a
previous synth wrote but this one did not. Anything else in the target (Terraform's .terraform
folders and state, dist/<env>/ subfolders) is left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staging_dir(near: Path) -> Iterator[Path]:
    """A temporary directory beside `near` (same filesystem, so os.replace is atomic)."""
    near.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{near.name}.staging-", dir=near.parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def publish(staging: Path, target: Path, *, owned: list[str]) -> list[Path]:
    """Move every file under `staging` to the same relative path under `target`.

    owned: glob patterns (relative to target) of files this synth is responsible for; those
    that the new synth did not produce are deleted. Returns the published paths.
    """
    new_files = sorted(p for p in staging.rglob("*") if p.is_file())
    relative = {p.relative_to(staging) for p in new_files}
    published = []
    for src in new_files:
        rel = src.relative_to(staging)
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)
        published.append(dest)
    for pattern in owned:
        for old in target.glob(pattern):
            if old.is_file() and old.relative_to(target) not in relative:
                old.unlink()
    return published
