"""Running the Makefile's lifecycle targets without a cloud: `make -n` for the commands a target
renders from the settings, or the target itself with none of the cloud tools on PATH. Both for
the docs' example config (a copy of config/dev.yaml's shipped values: a team's edits to config/
must not change what the tests see)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from settings import REPO_ROOT

MAKE = shutil.which("make") or "make"

# Treat every install layer as done: the tests look at the lifecycle commands, not installs.
OLD_STAMPS = [
    arg
    for stamp in (
        ".venv/.synth-installed",
        ".venv/.examples-installed",
        ".venv/.test-installed",
        "node_modules/.cli-installed",
    )
    for arg in ("-o", stamp)
]


# The example the docs (docs/deploy.md, docs/local.md) document: config/dev.yaml's shipped
# values (a user's edits to config/ must not make this test fail, so it uses a copy of the
# example, not the live file).
EXAMPLE: dict[str, Any] = {
    "project_id": "my-mlflow-project",
    "region": "europe-west1",
    "cluster": {"location": "europe-west1-b"},
    "ingress": {"host": "mlflow.example.com"},
}
EXAMPLE_LOCAL: dict[str, Any] = {
    "project_id": "my-mlflow-project",
    "region": "europe-west1",
    "platform": "local",
    "database": {"allow_public_ip": True},
    "project_number": "123456789012",
    "local": {
        "oidc_issuer": "https://kubernetes.default.svc.cluster.local",
        "jwks_file": "config/local.jwks.json",
        "service_port": 8080,
    },
}

LIFECYCLE = ["deploy", "plan", "tf-plan", "image", "credentials", "apply", "port-forward"]
LIFECYCLE += ["train", "destroy"]
LOCAL_LIFECYCLE = ["deploy", "local-oidc", "secrets", "apply", "port-forward", "destroy"]


def render(target: str, env: str, config: Path, **variables: str) -> list[str]:
    """The commands `make -n` prints for a target: continuations joined, checks left out."""
    args = [MAKE, "-s", "-n", *OLD_STAMPS, target, f"DEPLOY_ENV={env}"]
    args += [f"{k}={v}" for k, v in variables.items()]
    environ = {k: v for k, v in os.environ.items() if k not in {"MLFLOW_TRACKING_URI", "PORT"}}
    proc = subprocess.run(
        args,
        cwd=REPO_ROOT,
        env={**environ, "DEPLOY_CONFIG_DIR": str(config)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = proc.stdout.replace("\\\n", " ").splitlines()
    skip = (
        "command -v ",
        ".venv/bin/python -c",
        ".venv/bin/python -m ops.preflight",  # a check, like command -v
        "#",
        "true",
        "umask 077 && mkdir",
        "{ echo",
    )

    def recursive_make(line: str) -> bool:  # $(MAKE) other-target: its own lines follow
        return Path(line.split()[0]).name == "make"

    return [
        " ".join(line.split())
        for line in lines
        if line.strip() and not line.startswith(skip) and not recursive_make(line)
    ]


def run_without_tools(
    target: str, env: str, tmp_path: Path, config: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a target for real with a PATH that holds none of the cloud tools."""
    empty = tmp_path / "bin"
    empty.mkdir(exist_ok=True)
    environ = {"PATH": str(empty), "HOME": str(tmp_path)}
    if config is not None:
        environ["DEPLOY_CONFIG_DIR"] = str(config)
    return subprocess.run(
        [MAKE, *OLD_STAMPS, target, f"DEPLOY_ENV={env}"],
        cwd=REPO_ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
