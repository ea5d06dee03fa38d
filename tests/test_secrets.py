"""No secret value in any tracked file: code, config, dist/, snapshots, tests."""

from __future__ import annotations

import json
import subprocess

import pytest
import yaml

from settings import REPO_ROOT


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [f for f in out.split("\0") if f and (REPO_ROOT / f).is_file()]


@pytest.mark.integration
def test_detect_secrets_finds_nothing() -> None:
    """detect-secrets (Yelp) with every plugin over every tracked or to-be-tracked file."""
    files = _tracked_files()
    assert any(f.startswith("dist/") for f in files)
    result = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "detect-secrets"), "scan", "--all-files", *files],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    findings = json.loads(result.stdout)["results"]
    assert findings == {}, json.dumps(findings, indent=2)


def test_no_secret_object_in_dist_carries_a_value() -> None:
    for path in sorted((REPO_ROOT / "dist").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "Secret":
                assert not doc.get("data"), path.name
                assert not doc.get("stringData"), path.name


def test_no_key_material_in_tracked_files() -> None:
    # Assembled from parts so that this file itself is not a match for scanners of these markers.
    markers = ("PRIVATE " + "KEY-----", '"private' + '_key":', '"type": "service' + '_account"')
    for name in _tracked_files():
        if name.endswith((".md", "test_secrets.py")):
            continue
        text = (REPO_ROOT / name).read_text(errors="ignore")
        for marker in markers:
            assert marker not in text, f"{name} contains {marker!r}"
