"""ingress.api: which Kubernetes API builds the load balancer. The Gateway API takes only a
custom OAuth client for IAP, and only on GKE; the default stays the GKE Ingress."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, ConfigError, Settings, load_settings, parse_settings
from settings.modes import Edge

GATEWAY = yaml.safe_load((REPO_ROOT / "tests/configs/gateway.yaml").read_text())
LOCAL = yaml.safe_load((REPO_ROOT / "tests/configs/local.yaml").read_text())


def _parse(data: dict[str, Any]) -> Settings:
    return parse_settings(yaml.safe_dump(data), env="t", source="t.yaml")


def test_the_default_is_the_gke_ingress(gke_settings: Settings) -> None:
    assert gke_settings.ingress.api == "ingress"
    assert gke_settings.modes.edge is Edge.INGRESS


def test_gateway_is_the_gateway_edge_on_gke(gateway_settings: Settings) -> None:
    assert gateway_settings.modes.edge is Edge.GATEWAY


def test_the_gateway_refuses_googles_managed_client_with_the_reason() -> None:
    data = copy.deepcopy(GATEWAY)
    del data["ingress"]["oauth_client"]
    with pytest.raises(ConfigError) as caught:
        _parse(data)
    message = str(caught.value)
    assert message.startswith("t.yaml: ingress: api: gateway needs oauth_client")
    assert "gke-gateway-api#57" in message
    assert "Secret Manager" in message


def test_the_gateway_needs_gke() -> None:
    data = copy.deepcopy(LOCAL)
    data["ingress"] = {"api": "gateway", "oauth_client": GATEWAY["ingress"]["oauth_client"]}
    with pytest.raises(ConfigError, match=r"ingress\.api: gateway needs a GKE platform"):
        _parse(data)


def test_an_unknown_api_names_the_choices() -> None:
    data = copy.deepcopy(GATEWAY)
    data["ingress"]["api"] = "gatewy"
    with pytest.raises(ConfigError, match="ingress"):
        _parse(data)


def test_the_example_config_is_a_created_cluster_behind_the_gateway() -> None:
    settings = load_settings("gateway", folder=REPO_ROOT / "examples" / "config")
    assert settings.modes.edge is Edge.GATEWAY
    assert settings.target.is_gke
    assert settings.existing_cluster is None
    assert settings.ingress.oauth_client is not None
