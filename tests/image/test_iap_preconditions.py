"""IAP's preconditions: Google's managed OAuth client needs a project inside an organization
(checked at plan time); without one, a custom client whose secret goes from Secret Manager into
a cluster Secret that the BackendConfig names, never into git or dist/."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, ConfigError, Settings, parse_settings
from settings.ingress import OAuthClient

CLIENT = OAuthClient(
    client_id="987654321098-abc123.apps.googleusercontent.com", secret="iap-client"
)


@pytest.fixture(scope="module")
def custom(gke_settings: Settings) -> Settings:
    ingress = gke_settings.ingress.model_copy(update={"oauth_client": CLIENT})
    return gke_settings.model_copy(update={"ingress": ingress})


def test_the_managed_client_is_checked_for_an_organization_at_plan_time(
    tf_synth: Callable[[Settings], Any], gke_settings: Settings
) -> None:
    (ancestry,) = tf_synth(gke_settings)["data"]["google_project_ancestry"].values()
    assert ancestry["project"] == gke_settings.project_id
    (check,) = ancestry["lifecycle"]["postcondition"]
    assert check["condition"] == '${self.org_id != ""}'
    assert "set ingress.oauth_client" in check["error_message"]


def test_a_custom_client_needs_no_organization_and_reaches_the_backend_config(
    tf_synth: Callable[[Settings], Any],
    k8s_synth: Callable[[Settings], dict[str, list[dict[str, Any]]]],
    custom: Settings,
) -> None:
    assert "google_project_ancestry" not in tf_synth(custom).get("data", {})
    objects = [o for docs in k8s_synth(custom).values() for o in docs]
    (backend,) = [o for o in objects if o["kind"] == "BackendConfig"]
    assert backend["spec"]["iap"] == {
        "enabled": True,
        "oauthclientCredentials": {"secretName": custom.names.iap_oauth_secret},
    }
    assert not [o for o in objects if o["kind"] == "Secret"]  # the Secret is `make secrets`'


def test_a_malformed_client_id_is_refused() -> None:
    data = yaml.safe_load((REPO_ROOT / "tests/configs/gke.yaml").read_text())
    data["ingress"]["oauth_client"] = {"client_id": "my-client", "secret": "s"}
    with pytest.raises(ConfigError, match=r"ingress\.oauth_client\.client_id: 'my-client'"):
        parse_settings(yaml.safe_dump(data), env="gke", source="t.yaml")


@pytest.mark.integration
def test_make_secrets_copies_the_client_secret_from_secret_manager(tmp_path: Path) -> None:
    data = yaml.safe_load((REPO_ROOT / "tests/configs/gke.yaml").read_text())
    data["ingress"]["oauth_client"] = CLIENT.model_dump()
    (tmp_path / "gke.yaml").write_text(yaml.safe_dump(data))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gcloud = bin_dir / "gcloud"  # Secret Manager's stand-in: prints the secret it is asked for
    gcloud.write_text('#!/bin/sh\necho "$@" > "$0.args"; printf %s client-secret-value\n')
    gcloud.chmod(gcloud.stat().st_mode | stat.S_IEXEC)
    proc = subprocess.run(
        [sys.executable, "-m", "ops.cluster_secrets"],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "DEPLOY_ENV": "gke",
            "DEPLOY_CONFIG_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    (secret,) = yaml.safe_load_all(proc.stdout)
    assert secret["metadata"]["name"] == "mlflow-server-iap-oauth"
    values = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    assert values == {"client_id": CLIENT.client_id, "client_secret": "client-secret-value"}
    assert "--secret=iap-client" in (bin_dir / "gcloud.args").read_text()


@pytest.mark.integration
def test_make_secrets_says_when_there_is_nothing_to_do() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "ops.cluster_secrets"],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "DEPLOY_ENV": "gke",
            "DEPLOY_CONFIG_DIR": str(REPO_ROOT / "tests/configs"),
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "needs no Secret in the cluster" in proc.stderr
