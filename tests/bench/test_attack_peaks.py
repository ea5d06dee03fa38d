"""bench/attack_peaks.py works: tiny sizes, end to end (the real sizes are `make bench`), run
as `make bench` runs it: a module, from the repository root."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from settings import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_tiny_attack_measures_both_servers(tmp_path: Path) -> None:
    out = tmp_path / "attack.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.attack_peaks",
            "--posts",
            "2x24",  # over the 18 MiB body cap
            "--stalled",
            "3x8",
            "--json",
            str(out),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    result = json.loads(out.read_text())
    limited, unlimited = result["limited"], result["unlimited"]
    # With the limits: bodies refused (413, or cut off), one stalled download admitted, the
    # others told to come back (429, the caller's share of /tmp is taken).
    assert set(limited["posts"]["statuses"]) <= {413, 429, 0}
    assert limited["stalled"]["statuses"] == [200, 429, 429]
    # Without them: MLflow reads the bodies (and answers them), every download is admitted.
    assert 413 not in unlimited["posts"]["statuses"]
    assert unlimited["stalled"]["statuses"] == [200, 200, 200]
    assert set(result["ratios"]) == {"posts_rss_growth_mib_ratio", "stalled_tmp_mib_ratio"}
    assert result["ratios"]["stalled_tmp_mib_ratio"] < 1
    assert "stalled: /tmp peak" in proc.stdout
