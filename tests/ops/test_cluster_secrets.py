"""`make secrets` (k8s/cluster_secrets.py): the Secrets the manifests name, read from Secret
Manager and the Terraform state and printed for `kubectl apply -f -`; nothing when a read fails."""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, Settings

PASSPHRASE_DOCUMENT = '{"version": 1, "passphrase": "stand-in", "previous": []}'


def _fake_tools(folder: Path, *, password: str, key: str, fail: str = "") -> dict[str, str]:
    """gcloud and terraform stand-ins that print what the real ones would (or fail). The gcloud
    one prints the KEK document for a `--secret=...-kek`, the password for any other."""
    folder.mkdir()
    encoded = base64.b64encode(key.encode()).decode()
    gcloud = (
        "case \"$*\" in *--secret=*-kek*) printf '%s' '" + PASSPHRASE_DOCUMENT + "';; "
        f"*) printf '%s' '{password}';; esac"
    )
    for name, body in (("gcloud", gcloud), ("terraform", f"printf '%s' '{encoded}'")):
        script = folder / name
        body = "echo 'denied' >&2; exit 1" if name == fail else body
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def _local_secrets(env: str, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ops.cluster_secrets"],
        cwd=REPO_ROOT,
        env={**environ, "DEPLOY_ENV": env, "DEPLOY_CONFIG_DIR": str(REPO_ROOT / "tests/configs")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.integration
def test_local_secrets_pipes_the_password_and_the_opt_in_key(
    tmp_path: Path, keyed_settings: Settings
) -> None:
    key = '{"kind": "stand-in for a key file"}'
    password = "pw-from-secret-manager"  # pragma: allowlist secret
    environ = _fake_tools(tmp_path / "bin", password=password, key=key)
    proc = _local_secrets("keyed", environ)
    assert proc.returncode == 0, proc.stderr
    creds, pull = yaml.safe_load_all(proc.stdout)
    names = keyed_settings.names
    assert creds["metadata"] == {"name": names.credentials_secret, "namespace": names.namespace}
    data = {k: base64.b64decode(v).decode() for k, v in creds["data"].items()}
    assert data == {
        "db-password": password,
        "kek-passphrase": PASSPHRASE_DOCUMENT,
        "key.json": key,
    }
    assert pull["type"] == "kubernetes.io/dockerconfigjson"
    auths = json.loads(base64.b64decode(pull["data"][".dockerconfigjson"]))["auths"]
    assert auths["europe-west4-docker.pkg.dev"]["password"] == key
    # Federation: the password and the passphrase only.
    proc = _local_secrets("local", environ)
    (only,) = yaml.safe_load_all(proc.stdout)
    assert set(only["data"]) == {"db-password", "kek-passphrase"}


@pytest.mark.integration
def test_local_secrets_prints_nothing_when_a_read_fails(tmp_path: Path) -> None:
    environ = _fake_tools(tmp_path / "bin", password="pw", key="{}", fail="terraform")
    proc = _local_secrets("keyed", environ)
    assert proc.returncode == 2
    assert proc.stdout == ""  # kubectl apply gets no half-made Secret
    assert proc.stderr.startswith("error: the service-account key: `terraform")
    assert "denied" in proc.stderr


def test_local_secrets_reads_the_stacks_sensitive_key_output(
    tf_synth: Any, keyed_settings: Settings
) -> None:
    from settings.contract import KEY_OUTPUT  # written by infra/, read by ops/cluster_secrets

    output = tf_synth(keyed_settings)["output"].get(KEY_OUTPUT)
    assert output is not None, f"the keyed stack has no output {KEY_OUTPUT!r}"
    assert output["sensitive"] is True
