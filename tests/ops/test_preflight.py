"""Before cdktf runs: one line naming the cause when the registry or the credentials are missing,
and the warnings a valid config earns."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ops import preflight
from settings import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "configs"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends


def test_unreachable_registry_is_one_line_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.delenv("TF_PLUGIN_CACHE_DIR", raising=False)
    with pytest.raises(preflight.PreflightError) as caught:
        preflight.check_registry(tmp_path, timeout=2)
    message = str(caught.value)
    assert "\n" not in message
    assert "(HTTPS_PROXY)" in message
    assert "TF_PLUGIN_CACHE_DIR" in message


def test_providers_already_there_need_no_registry(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{_closed_port()}")
    for provider in preflight.PROVIDERS:
        (tmp_path / ".terraform" / "providers" / provider).mkdir(parents=True)
    preflight.check_registry(tmp_path)


def test_missing_credentials_name_the_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path))
    monkeypatch.setenv("GCE_METADATA_IP", f"127.0.0.1:{_closed_port()}")
    with pytest.raises(preflight.PreflightError, match="gcloud auth application-default login"):
        preflight.check_credentials()
    (tmp_path / "application_default_credentials.json").write_text(
        json.dumps({"type": "authorized_user"})
    )
    preflight.check_credentials()


@pytest.mark.integration
def test_make_plan_without_network_fails_in_one_line(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    terraform = bin_dir / "terraform"  # a stand-in: the preflight runs before any terraform
    terraform.write_text("#!/bin/sh\nexit 0\n")
    terraform.chmod(terraform.stat().st_mode | stat.S_IEXEC)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "HTTPS_PROXY": f"http://127.0.0.1:{_closed_port()}",
        "DEPLOY_CONFIG_DIR": str(FIXTURES),
    }
    env.pop("TF_PLUGIN_CACHE_DIR", None)
    stamps = ["-o", ".venv/.synth-installed", "-o", "node_modules/.cli-installed"]
    proc = subprocess.run(
        ["make", "-s", *stamps, "plan", "DEPLOY_ENV=gke"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, proc.stderr
    assert "where Terraform downloads the google provider" in errors[0]
    assert "cdktf" not in proc.stdout  # cdktf never started


@pytest.mark.integration
def test_an_environment_without_a_state_bucket_is_warned_about(tmp_path: Path) -> None:
    data = yaml.safe_load((FIXTURES / "gke.yaml").read_text())
    del data["state_bucket"]
    (tmp_path / "prod.yaml").write_text(yaml.safe_dump(data))
    (tmp_path / "dev.yaml").write_text(yaml.safe_dump(data))
    for env, warned in (("prod", True), ("dev", False)):
        proc = subprocess.run(
            [sys.executable, "-m", "infra.main"],
            cwd=REPO_ROOT,
            env={
                **os.environ,
                "DEPLOY_ENV": env,
                "DEPLOY_CONFIG_DIR": str(tmp_path),
                "CDKTF_OUTDIR": str(tmp_path / "out"),
            },
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        assert (f"warning: {tmp_path / 'prod.yaml'} has no state_bucket" in proc.stderr) is warned
        if warned:
            assert "terraform.mlf-prod.tfstate" in proc.stderr


def _fake(bin_dir: Path, name: str, script: str) -> None:
    tool = bin_dir / name
    tool.write_text("#!/bin/sh\n" + script)
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize(
    ("gcloud", "said"),
    [
        ("echo '(unset)'", "gcloud has no signed-in account: run gcloud auth login"),
        ("echo ''", "gcloud has no signed-in account: run gcloud auth login"),
    ],
)
def test_gcloud_without_an_account_names_the_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gcloud: str, said: str
) -> None:
    _fake(tmp_path, "gcloud", gcloud + "\n")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    with pytest.raises(preflight.PreflightError, match=said):
        preflight.check_gcloud_account()
    _fake(tmp_path, "gcloud", "echo me@example.com\n")
    preflight.check_gcloud_account()


def test_a_missing_kube_context_names_make_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake(tmp_path, "kubectl", "echo other-context\n")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    wanted = r"no context gke_p_l_c, .*: run make credentials"
    with pytest.raises(preflight.PreflightError, match=wanted):
        preflight.check_kube_context("gke_p_l_c")
    _fake(tmp_path, "kubectl", "echo gke_p_l_c\n")
    preflight.check_kube_context("gke_p_l_c")
    _fake(tmp_path, "kubectl", "exit 1\n")
    with pytest.raises(preflight.PreflightError, match="no current context"):
        preflight.check_kube_context("")


@pytest.mark.integration
def test_make_plan_offline_says_so_before_installing_the_clis(tmp_path: Path) -> None:
    """package.json newer than the CLI stamp (make -W): the 500 MB npm install would run, but
    the preflight comes first and stops make."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake(bin_dir, "terraform", "exit 0\n")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "HTTPS_PROXY": f"http://127.0.0.1:{_closed_port()}",
        "DEPLOY_CONFIG_DIR": str(FIXTURES),
    }
    env.pop("TF_PLUGIN_CACHE_DIR", None)
    proc = subprocess.run(
        ["make", "-s", "-o", ".venv/.synth-installed", "-W", "package.json", "plan",
         "DEPLOY_ENV=gke"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "where Terraform downloads the google provider" in proc.stderr
    assert "npm" not in proc.stdout + proc.stderr


@pytest.mark.integration
def test_make_apply_before_make_credentials_says_to_run_it(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake(bin_dir, "kubectl", "echo docker-desktop\n")
    proc = subprocess.run(
        ["make", "-s", "-o", ".venv/.synth-installed", "apply", "DEPLOY_ENV=gke"],
        cwd=REPO_ROOT,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
             "DEPLOY_CONFIG_DIR": str(FIXTURES)},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "run make credentials" in proc.stderr
    assert "k8s.main" not in proc.stdout
