"""The main job's cost on a fresh clone: `make synth`'s wall time and its toolchain's size.

Clones the repository twice into a temporary folder, at a baseline commit (`--before`, default:
the last commit before the toolchain was split into layers) and at HEAD (or `--after`), and runs
`make synth` in each with empty pip, uv and npm caches (a fresh machine downloads everything),
then reports the wall time, the size of .venv/ and node_modules/, and the ratios, in one run.
The deploy CLIs, which the split installs on the first `make deploy` / `plan` / `destroy`
(`make install-cli`), are measured too, so that nothing is left out of the figures.

    .venv/bin/python -m bench.toolchain [--before REV] [--after REV]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The last commit whose `make synth` installed everything (tests, linters, MLflow, both CLIs).
BASELINE = "0668c0f"


@dataclass(frozen=True)
class Figures:
    seconds: float
    venv_mb: float
    node_mb: float

    @property
    def total_mb(self) -> float:
        return self.venv_mb + self.node_mb


def _size_mb(folder: Path) -> float:
    if not folder.exists():
        return 0.0
    out = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0]) / 1024


def _make(clone: Path, target: str, caches: Path) -> float:
    env = {
        **os.environ,
        "PIP_NO_CACHE_DIR": "1",
        "UV_CACHE_DIR": str(caches / "uv"),
        "npm_config_cache": str(caches / "npm"),
    }
    env.pop("VIRTUAL_ENV", None)
    start = time.perf_counter()
    subprocess.run(["make", target], cwd=clone, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def measure(rev: str, workdir: Path, name: str) -> tuple[Figures, Figures | None]:
    """(make synth, then make install-cli where the revision has it)."""
    clone = workdir / name
    subprocess.run(["git", "clone", "-q", "--no-local", str(REPO), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", rev], check=True)
    caches = workdir / f"{name}-caches"
    seconds = _make(clone, "synth", caches)
    synth = Figures(seconds, _size_mb(clone / ".venv"), _size_mb(clone / "node_modules"))
    makefile = (clone / "Makefile").read_text()
    if "install-cli:" not in makefile:
        return synth, None
    seconds = _make(clone, "install-cli", caches)
    cli = Figures(seconds, _size_mb(clone / ".venv"), _size_mb(clone / "node_modules"))
    return synth, cli


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BASELINE)
    parser.add_argument("--after", default="HEAD")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-toolchain-"))
    try:
        before, _ = measure(args.before, workdir, "before")
        after, cli = measure(args.after, workdir, "after")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("fresh-clone `make synth` (empty download caches)")
    print(f"{'':10s} {'time':>8s} {'.venv':>9s} {'node_modules':>13s} {'toolchain':>10s}")
    for label, f in (("before", before), ("after", after)):
        print(
            f"{label:10s} {f.seconds:7.1f}s {f.venv_mb:8.0f}M {f.node_mb:12.0f}M {f.total_mb:9.0f}M"
        )
    print(
        f"ratio after/before: time {after.seconds / before.seconds:.2f}, "
        f"size {after.total_mb / before.total_mb:.2f} (targets: <= 60 s, <= 600 MB)"
    )
    if cli is not None:
        print(
            f"then `make install-cli` (first deploy, plan or destroy): +{cli.seconds:.1f}s, "
            f"toolchain {cli.total_mb:.0f}M (node_modules {cli.node_mb:.0f}M)"
        )


if __name__ == "__main__":
    main()
