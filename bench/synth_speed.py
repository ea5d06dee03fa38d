"""Synth speed: the project's cdktf synth against a naive one that imports whole providers.

Runs each variant as a fresh process (as `cdktf synth` does), `--runs` times, and prints the
median wall time, the ratio, and whether both produced byte-identical cdk.tf.json. The naive
variant imports the provider packages whole before infra/ does: their __init__ then imports
every generated module (1,470 for google), which is what a plain cdktf project pays.

    .venv/bin/python -m bench.synth_speed [--runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NAIVE = (
    "import cdktf_cdktf_provider_google, cdktf_cdktf_provider_random, runpy; "
    "runpy.run_module('infra.main', run_name='__main__')"
)


def _run(code: list[str], outdir: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, *code],
        cwd=REPO,
        env={"CDKTF_OUTDIR": str(outdir), "DEPLOY_ENV": "dev", "PATH": str(REPO / ".venv/bin")},
        check=True,
    )
    return time.perf_counter() - start


def _digest(outdir: Path) -> str:
    stack = next(outdir.glob("stacks/*/cdk.tf.json"))
    return hashlib.sha256(stack.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    variants = {
        "naive (whole provider import)": ["-c", NAIVE],
        "project (infra.main)": ["-m", "infra.main"],
    }
    medians: dict[str, float] = {}
    digests: dict[str, set[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, code in variants.items():
            times = []
            for i in range(args.runs):
                out = Path(tmp) / f"{len(medians)}-{i}"
                times.append(_run(code, out))
                digests.setdefault(name, set()).add(_digest(out))
            medians[name] = statistics.median(times)
            runs = ", ".join(f"{t:.2f}" for t in times)
            print(f"{name:32s} median {medians[name]:6.2f} s  runs {runs}")
    naive, project = medians.values()
    identical = len(set.union(*digests.values())) == 1
    print(f"ratio project/naive: {project / naive:.2f} (target <= 0.35)")
    print(f"byte-identical cdk.tf.json: {'yes' if identical else 'NO'}")
    if not identical:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
