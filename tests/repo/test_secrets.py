"""No secret value in any tracked file: code, config, dist/, snapshots, tests."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

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


# What detect-secrets may pass over, each narrow and for a reason; .pre-commit-config.yaml's hook
# passes the same two (test_the_commit_hook_excludes_the_same below).
# - JWKS files hold public keys only (the settings model refuses a private member), and their
#   base64 moduli look like high-entropy secrets.
EXCLUDE_FILES = r"\.jwks\.json$"
# - cdktf's metadata lists each output as `"name": "name"`, e.g. `"db_password_secret_id"`; and the
#   provider's `jwks_json` line carries the same public keys.
# - The generated GCPBackendPolicy binding (imports/, no pragma survives `cdk8s import`) maps the
#   Python name of the field that names the OAuth client's Secret to its API name.
# - A Secret Manager data source's `"secret": "<secret id>"` in the Terraform JSON names the
#   secret (a team's workforce OAuth client, docs/enterprise.md), never holds its value.
EXCLUDE_LINES = (
    r'^\s*"(\w+)": "\1",?$|^\s*"jwks_json": "'
    r'|^\s*"oauth2_client_secret": "oauth2ClientSecret",$'  # pragma: allowlist secret
    r'|^\s*"secret": "[a-z][a-z0-9-]*",?$'  # pragma: allowlist secret
)


@pytest.mark.integration
def test_detect_secrets_finds_nothing() -> None:
    """detect-secrets (Yelp) with every plugin over every tracked or to-be-tracked file."""
    files = _tracked_files()
    assert any(f.startswith("dist/") for f in files)
    assert any(f.startswith("cdktf.out/stacks/") for f in files)
    result = subprocess.run(
        [
            str(REPO_ROOT / ".venv" / "bin" / "detect-secrets"),
            "scan",
            "--all-files",
            "--exclude-files",
            EXCLUDE_FILES,
            "--exclude-lines",
            EXCLUDE_LINES,
            *files,
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    findings = json.loads(result.stdout)["results"]
    assert findings == {}, json.dumps(findings, indent=2)


def test_no_secret_object_in_dist_carries_a_value() -> None:
    for path in sorted((REPO_ROOT / "dist").rglob("*.yaml")):
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


@pytest.mark.integration
def test_the_exclusions_are_narrow(tmp_path: Path) -> None:
    """A real-looking secret on an excluded-looking line still counts; the exclusions do not."""
    import re
    import secrets

    name = "db_" + "password_secret_id"
    assert re.search(EXCLUDE_LINES, f'        "{name}": "{name}",')
    # Assembled at run time, so that this file holds no secret-looking line itself.
    planted = '  "db_' + 'password": "' + secrets.token_urlsafe(30) + '"'
    assert not re.search(EXCLUDE_LINES, planted)
    leak = tmp_path / "leak.json"
    leak.write_text("{\n" + planted + "\n}\n")
    result = subprocess.run(
        [
            str(REPO_ROOT / ".venv" / "bin" / "detect-secrets"),
            "scan",
            "--all-files",
            "--exclude-files",
            EXCLUDE_FILES,
            "--exclude-lines",
            EXCLUDE_LINES,
            leak.name,
        ],
        cwd=tmp_path,  # detect-secrets passes over files outside its working directory
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(result.stdout)["results"], "the planted secret was missed"


def test_the_commit_hook_excludes_the_same() -> None:
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text())
    (hook,) = [h for r in config["repos"] for h in r["hooks"] if h["id"] == "detect-secrets"]
    assert hook["args"] == ["--exclude-files", EXCLUDE_FILES, "--exclude-lines", EXCLUDE_LINES]
