"""bench/tracking_scale.py works: a tiny size, end to end (the real sizes are `make bench`), run
as `make bench` runs it: a module, from the repository root."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from settings import REPO_ROOT

pytestmark = pytest.mark.e2e


def test_tiny_run_measures_every_operation(tmp_path: Path) -> None:
    out = tmp_path / "scale.json"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.tracking_scale",
            "--sizes",
            "60",
            "--samples",
            "2",
            "--clients",
            "2",
            "--write-seconds",
            "1",
            "--json",
            str(out),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    (result,) = json.loads(out.read_text())
    assert result["runs"] == 60
    assert result["rows"]["runs"] == 60
    assert result["rows"]["metrics"] == 60 * 12  # a 10-step loss, accuracy and f1
    assert set(result["reads_ms"]) == {
        "search (UI list)",
        "search (filter+order)",
        "get run",
        "metric history",
    }
    for figures in result["reads_ms"].values():
        assert 0 < figures["p50"] <= figures["p95"]
        assert figures["db"] > 0
    assert result["write_req_s"] > 0
    assert result["write_errors"] == 0
    assert "search (UI list) p50/p95 ms" in proc.stdout
