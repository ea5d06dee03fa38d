"""The Gateway edge's commands: what `make destroy` cleans up after GKE's Gateway controller,
and the OAuth client Secret `make secrets` writes for its GCPBackendPolicy."""

from __future__ import annotations

import base64
import os
import re
import stat
from pathlib import Path

import pytest

from ops import cluster_secrets, teardown
from settings import Settings


def _by_group(settings: Settings) -> dict[str, str]:
    return {k.group: k.name for k in teardown.kinds(settings)}


def test_leftovers_are_found_by_the_gateway_controllers_naming(gateway_settings: Settings) -> None:
    names, port = gateway_settings.names, gateway_settings.server.port
    kinds = _by_group(gateway_settings)
    ours = f"{names.namespace}-{names.service}"
    for group in ("forwarding-rules", "target-https-proxies", "target-http-proxies", "url-maps"):
        assert re.search(kinds[group], f"gkegw1-ab12-{ours}-0123456789ab"), group
        assert not re.search(kinds[group], f"gkegw1-ab12-other-{names.service}-0123456789ab")
        assert not re.search(kinds[group], f"k8s2-fs-1a2b3c4d-{ours}-x9")  # the Ingress's
    for group in ("backend-services", "health-checks"):
        assert re.search(kinds[group], f"gkegw1-ab12-{ours}-{port}-0123456789ab"), group
        assert not re.search(kinds[group], f"gkegw1-ab12-{ours}-9999-0123456789ab")
    assert re.search(kinds["network-endpoint-groups"], f"k8s1-1a2b3c4d-{ours}-{port}-abcdef12")
    assert re.search(kinds["firewall-rules"], f"gkegw1-ab12-l7-{names.network}-global")
    assert not re.search(kinds["firewall-rules"], "gkegw1-ab12-l7-default-global")
    # Certificate Manager's objects are Terraform's: `terraform destroy` removes them.
    assert not [k for k in kinds if "certificate" in k]


def test_the_ingress_edge_keeps_its_own_leftovers(gke_settings: Settings) -> None:
    assert all("gkegw1" not in pattern for pattern in _by_group(gke_settings).values())


@pytest.fixture
def fake_gcloud(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A gcloud on PATH that prints a client secret for `secrets versions access`."""
    secret = "GOCSPX-stand-in"  # pragma: allowlist secret
    script = tmp_path / "gcloud"
    script.write_text(f"#!/bin/sh\nprintf '%s' '{secret}'\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    return secret


def test_make_secrets_writes_the_client_secret_under_key(
    gateway_settings: Settings, fake_gcloud: str
) -> None:
    (secret,) = cluster_secrets.secrets(gateway_settings)
    assert secret["metadata"] == {
        "name": gateway_settings.names.iap_oauth_secret,
        "namespace": gateway_settings.names.namespace,
    }
    encoded = secret["data"]
    assert isinstance(encoded, dict)
    data = {k: base64.b64decode(v).decode() for k, v in encoded.items()}
    assert data == {"key": fake_gcloud}  # GCPBackendPolicy reads `key`; the ID is in the policy


@pytest.mark.parametrize(
    ("env", "chart"), [("gateway", "30-gateway"), ("gke", "30-ingress"), ("local", "")]
)
def test_make_destroy_deletes_the_edges_chart_first(
    env: str, chart: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ops import makevars
    from settings import REPO_ROOT

    monkeypatch.setenv("DEPLOY_ENV", env)
    monkeypatch.setenv("DEPLOY_CONFIG_DIR", str(REPO_ROOT / "tests" / "configs"))
    assert makevars.values()["EDGE_CHART"] == chart
