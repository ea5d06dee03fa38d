"""An enterprise organization's manifests: inside a VPC Service Controls perimeter the pods
reach Google APIs on the restricted VIP only (and IAP's keys on the private one), and a Cloud
Armor policy is attached by the edge's own object (BackendConfig, GCPBackendPolicy)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from settings import Settings
from settings.auth import AuthSettings
from settings.contract import PRIVATE_GOOGLE_APIS_CIDR, RESTRICTED_GOOGLE_APIS_CIDR
from settings.ingress import CloudArmor

Objects = dict[str, list[dict[str, Any]]]
Synth = Callable[[Settings], Objects]


def _https_cidrs(objects: Objects, name: str) -> set[str]:
    (policy,) = [
        o
        for docs in objects.values()
        for o in docs
        if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == name
    ]
    return {
        peer["ipBlock"]["cidr"]
        for rule in policy["spec"]["egress"]
        if any(p.get("port") == 443 for p in rule.get("ports", []))
        for peer in rule.get("to", [])
        if "ipBlock" in peer
    }


def test_inside_the_perimeter_google_apis_only_on_the_restricted_vip(
    k8s_synth: Synth, perimeter_settings: Settings
) -> None:
    names = perimeter_settings.names
    for name in (names.service, f"{names.service}-gc"):
        # With IAP identities on, the key set on the private VIP (gstatic.com) too.
        assert _https_cidrs(k8s_synth(perimeter_settings), name) == {
            RESTRICTED_GOOGLE_APIS_CIDR,
            PRIVATE_GOOGLE_APIS_CIDR,
        }
    anonymous = perimeter_settings.model_copy(update={"auth": AuthSettings(enabled=False)})
    assert _https_cidrs(k8s_synth(anonymous), names.service) == {RESTRICTED_GOOGLE_APIS_CIDR}


def test_outside_a_perimeter_the_private_vip_as_before(
    k8s_synth: Synth, gke_settings: Settings
) -> None:
    assert _https_cidrs(k8s_synth(gke_settings), gke_settings.names.service) == {
        PRIVATE_GOOGLE_APIS_CIDR
    }


def _one(objects: Objects, kind: str) -> dict[str, Any]:
    (found,) = [o for docs in objects.values() for o in docs if o["kind"] == kind]
    return found


def test_the_backend_config_names_the_cloud_armor_policy(
    k8s_synth: Synth, perimeter_settings: Settings, gke_settings: Settings
) -> None:
    spec = _one(k8s_synth(perimeter_settings), "BackendConfig")["spec"]
    assert spec["securityPolicy"] == {"name": perimeter_settings.names.security_policy}
    assert "securityPolicy" not in _one(k8s_synth(gke_settings), "BackendConfig")["spec"]


def test_the_gateways_backend_policy_names_the_cloud_armor_policy(
    k8s_synth: Synth, gateway_settings: Settings
) -> None:
    assert (
        "securityPolicy"
        not in _one(k8s_synth(gateway_settings), "GCPBackendPolicy")["spec"]["default"]
    )
    ingress = gateway_settings.ingress.model_copy(
        update={"cloud_armor": CloudArmor(throttle_per_minute=300)}
    )
    armored = gateway_settings.model_copy(update={"ingress": ingress})
    default = _one(k8s_synth(armored), "GCPBackendPolicy")["spec"]["default"]
    assert default["securityPolicy"] == armored.names.security_policy
