"""The lifecycle targets of the Makefile: the commands `make -n` renders from the settings
(settings/makevars.py), for the platforms and the options a team picks."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from settings import REPO_ROOT, Settings


@pytest.mark.integration
def test_credentials_and_context_name_the_teams_cluster(shared_settings: Settings) -> None:
    out = subprocess.run(
        [
            "make",
            "-s",
            "-n",
            "-o",
            ".venv/.synth-installed",
            "credentials",
            "apply",
            "DEPLOY_ENV=shared",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "DEPLOY_CONFIG_DIR": str(REPO_ROOT / "tests/configs")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")
    flat = " ".join(out.split())
    assert "get-credentials platform-gke --location=europe-west3 --project=acme-ml-svc" in flat
    assert f"kubectl --context {shared_settings.kube_context} apply -f dist/shared" in flat
    assert Path(REPO_ROOT / "dist").is_dir()
