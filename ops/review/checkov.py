"""checkov findings that a change brings or removes, on the changed stacks only.

Both sides of each changed stack are written to a scratch folder and scanned in one checkov run
with the project's .checkov.yaml (the skips tests/infra/test_checkov.py holds justified), so a
finding is new when the new side fails a check on a resource the old side passed. Optional:
without checkov (`make install-test` installs it) the summary says it was not run.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ops.checkov_input import scannable

TIMEOUT_S = 600


@dataclass(frozen=True)
class Finding:
    check: str
    resource: str
    title: str


def binary(repo: Path) -> Path | None:
    path = repo / ".venv" / "bin" / "checkov"
    return path if path.is_file() else None


def compare(
    stacks: dict[str, tuple[dict[str, Any] | None, dict[str, Any] | None]],
    *,
    checkov: Path,
    config: Path,
) -> dict[str, tuple[list[Finding], list[Finding]]]:
    """{env: (new findings, gone findings)} for each env's (old, new) Terraform JSON."""
    with tempfile.TemporaryDirectory(prefix="review-checkov-") as scratch:
        root = Path(scratch)
        for env, sides in stacks.items():
            for side, doc in zip(("old", "new"), sides, strict=True):
                if doc is not None:
                    folder = root / side / env
                    folder.mkdir(parents=True)
                    (folder / "cdk.tf.json").write_text(
                        json.dumps(scannable(doc)), encoding="utf-8"
                    )
        failed = _failed(checkov, config, root) if any(root.iterdir()) else {}
    types = {
        name: rtype
        for sides in stacks.values()
        for doc in sides
        for rtype, by_name in ((doc or {}).get("resource") or {}).items()
        for name in by_name
    }
    failed = {where: {_addressed(f, types) for f in findings} for where, findings in failed.items()}
    out = {}
    for env in stacks:
        old, new = failed.get(("old", env), set()), failed.get(("new", env), set())
        out[env] = (sorted(new - old, key=_order), sorted(old - new, key=_order))
    return out


def _addressed(finding: Finding, types: dict[str, str]) -> Finding:
    """checkov names a cdktf JSON resource `resource.<name>`: give it its Terraform address."""
    name = finding.resource.removeprefix("resource.")
    if name != finding.resource and name in types:
        return Finding(finding.check, f"{types[name]}.{name}", finding.title)
    return finding


def _order(f: Finding) -> tuple[str, str]:
    return (f.check, f.resource)


def _failed(checkov: Path, config: Path, root: Path) -> dict[tuple[str, str], set[Finding]]:
    # checkov also reads .checkov.yaml from its working directory: run it in the scratch one.
    result = subprocess.run(
        [
            str(checkov),
            "--framework",
            "terraform_json",
            "-o",
            "json",
            "--skip-download",
            "--config-file",
            str(config),
            "-d",
            str(root),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    if result.returncode not in (0, 1) or not result.stdout.strip():
        raise RuntimeError(f"checkov failed: {result.stderr.strip()[-500:]}")
    reports = json.loads(result.stdout)
    out: dict[tuple[str, str], set[Finding]] = {}
    for report in reports if isinstance(reports, list) else [reports]:
        for check in (report.get("results") or {}).get("failed_checks") or []:
            parts = Path(str(check["file_path"]).lstrip("/")).parts
            side, env = parts[-3], parts[-2]
            finding = Finding(check["check_id"], check["resource"], check.get("check_name", ""))
            out.setdefault((side, env), set()).add(finding)
    return out
