"""An enterprise organization's Terraform, on the synthesized output of the perimeter fixture
(shared VPC, VPC Service Controls, workforce identity, Cloud Armor, audit logs) and of the
default and Autopilot fixtures, which must not change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from settings import Settings
from settings.contract import (
    LOAD_BALANCER_RANGES,
    PRIVATE_GOOGLE_APIS_IPS,
    RESTRICTED_GOOGLE_APIS_IPS,
)

Doc = dict[str, Any]


def _res(doc: Doc, type_: str) -> dict[str, dict[str, Any]]:
    return dict(doc.get("resource", {}).get(type_, {}))


@pytest.fixture(scope="module")
def perimeter(tf_synth: Callable[[Settings], Doc], perimeter_settings: Settings) -> Doc:
    return tf_synth(perimeter_settings)


def _records(doc: Doc) -> dict[tuple[str, str], list[str]]:
    return {
        (r["name"], r["type"]): r["rrdatas"] for r in _res(doc, "google_dns_record_set").values()
    }


# --- shared VPC ---------------------------------------------------------------------------------


def test_the_health_check_firewall_is_in_the_host_scoped_to_the_pods_port(
    perimeter: Doc, perimeter_settings: Settings
) -> None:
    (rule,) = _res(perimeter, "google_compute_firewall").values()
    assert rule["project"] == "acme-net-host"
    assert rule["direction"] == "INGRESS"
    assert rule["source_ranges"] == list(LOAD_BALANCER_RANGES)
    assert rule["destination_ranges"] == ["10.128.0.0/14"]  # the pods only, not every VM
    assert rule["allow"] == [{"protocol": "tcp", "ports": [str(perimeter_settings.server.port)]}]
    assert rule["name"] == perimeter_settings.names.host_firewall


def test_no_firewall_unless_the_config_lets_the_stack_manage_it(
    tf_synth: Callable[[Settings], Doc], shared_settings: Settings, gke_settings: Settings
) -> None:
    assert not _res(tf_synth(shared_settings), "google_compute_firewall")
    assert not _res(tf_synth(gke_settings), "google_compute_firewall")


def test_no_peering_is_created_or_removed_on_a_network_the_stack_did_not_create(
    tf_synth: Callable[[Settings], Doc],
    perimeter: Doc,
    autopilot_settings: Settings,
    shared_settings: Settings,
) -> None:
    for doc in (perimeter, tf_synth(autopilot_settings), tf_synth(shared_settings)):
        assert not _res(doc, "google_service_networking_connection")
        assert not _res(doc, "terraform_data")  # no destroy-time peering removal
        assert doc["data"]["google_compute_global_address"]  # the owner's range, checked


def test_the_connection_updates_instead_of_failing_after_an_abandoned_teardown(
    tf_synth: Callable[[Settings], Doc], gke_settings: Settings
) -> None:
    (connection,) = _res(tf_synth(gke_settings), "google_service_networking_connection").values()
    assert connection["update_on_creation_fail"] is True
    assert connection["deletion_policy"] == "ABANDON"


# --- VPC Service Controls -----------------------------------------------------------------------


def test_the_perimeters_zones_and_routes_are_in_the_host(perimeter: Doc) -> None:
    zones = {z["dns_name"]: z for z in _res(perimeter, "google_dns_managed_zone").values()}
    assert set(zones) == {"googleapis.com.", "pkg.dev.", "gstatic.com."}
    assert {z["project"] for z in zones.values()} == {"acme-net-host"}
    records = _records(perimeter)
    assert records[("restricted.googleapis.com.", "A")] == list(RESTRICTED_GOOGLE_APIS_IPS)
    assert records[("*.googleapis.com.", "CNAME")] == ["restricted.googleapis.com."]
    assert records[("pkg.dev.", "A")] == list(RESTRICTED_GOOGLE_APIS_IPS)
    # IAP's keys: not served by the restricted VIP, so on the private one.
    assert records[("gstatic.com.", "A")] == list(PRIVATE_GOOGLE_APIS_IPS)
    routes = {r["dest_range"]: r for r in _res(perimeter, "google_compute_route").values()}
    assert set(routes) == {"199.36.153.4/30", "199.36.153.8/30"}
    assert {r["next_hop_gateway"] for r in routes.values()} == {"default-internet-gateway"}
    assert {r["project"] for r in routes.values()} == {"acme-net-host"}


def test_a_created_vpc_inside_a_perimeter_gets_the_restricted_zones(
    tf_synth: Callable[[Settings], Doc], gke_settings: Settings
) -> None:
    from settings.network import GoogleApisVip

    network = gke_settings.network.model_copy(update={"google_apis": GoogleApisVip.RESTRICTED})
    doc = tf_synth(gke_settings.model_copy(update={"network": network}))
    records = _records(doc)
    assert records[("restricted.googleapis.com.", "A")] == list(RESTRICTED_GOOGLE_APIS_IPS)
    assert len(_res(doc, "google_compute_route")) == 2
    default = tf_synth(gke_settings)
    assert ("private.googleapis.com.", "A") in _records(default)
    assert not _res(default, "google_compute_route")
    assert "pkg.dev." not in {
        z["dns_name"] for z in _res(default, "google_dns_managed_zone").values()
    }


# --- IAP: workforce identity and programmatic clients at the project level ----------------------


def test_workforce_sign_in_is_set_on_the_cluster_projects_iap_settings(perimeter: Doc) -> None:
    (iap,) = _res(perimeter, "google_iap_settings").values()
    projects = perimeter["data"]["google_project"]
    (number_of,) = [k for k in projects if k.startswith("iap-settings_")]
    assert projects[number_of]["project_id"] == "acme-gke-platform"  # the load balancer's
    # The project's level: no generated backend service name in it.
    assert iap["name"] == f"projects/${{data.google_project.{number_of}.number}}/iap_web/compute"
    access = iap["access_settings"]
    assert access["identity_sources"] == ["WORKFORCE_IDENTITY_FEDERATION"]
    workforce = access["workforce_identity_settings"]
    assert workforce["workforce_pools"] == ["locations/global/workforcePools/acme-entra"]
    assert workforce["oauth2"]["client_id"] == "7f3c2a1e-acme-entra-iap"
    (secret_name, secret) = next(
        iter(perimeter["data"]["google_secret_manager_secret_version"].items())
    )
    assert (secret["secret"], secret["project"]) == (
        "mlflow-workforce-client-secret",
        "acme-ml-svc",
    )
    assert workforce["oauth2"]["client_secret"] == (
        f"${{data.google_secret_manager_secret_version.{secret_name}.secret_data}}"
    )
    assert access["oauth_settings"]["programmatic_clients"] == [
        "123456789012-desktopclient.apps.googleusercontent.com"
    ]


def test_no_iap_settings_by_default(
    tf_synth: Callable[[Settings], Doc], gke_settings: Settings
) -> None:
    doc = tf_synth(gke_settings)
    assert not _res(doc, "google_iap_settings")
    assert not _res(doc, "google_compute_security_policy")
    assert not _res(doc, "google_project_iam_audit_config")


# --- Cloud Armor and audit logs -----------------------------------------------------------------


def test_the_security_policy_denies_waf_hits_throttles_allowed_sources_denies_the_rest(
    perimeter: Doc, perimeter_settings: Settings
) -> None:
    (policy,) = _res(perimeter, "google_compute_security_policy").values()
    assert policy["name"] == perimeter_settings.names.security_policy
    assert policy["project"] == "acme-gke-platform"
    rules = sorted(policy["rule"], key=lambda r: r["priority"])
    waf, throttle, default = rules
    assert waf["match"]["expr"]["expression"] == "evaluatePreconfiguredWaf('sqli-v33-stable')"
    assert waf["action"] == "deny(403)"
    assert throttle["action"] == "throttle"
    assert throttle["match"]["config"]["src_ip_ranges"] == ["203.0.113.0/24", "198.51.100.0/24"]
    limits = throttle["rate_limit_options"]
    assert limits["rate_limit_threshold"] == {"count": 600, "interval_sec": 60}
    assert limits["exceed_action"] == "deny(429)"
    assert limits["enforce_on_key"] == "IP"
    assert default["priority"] == 2147483647
    assert default["action"] == "deny(403)"


def test_without_allowed_sources_the_default_rule_allows(
    tf_synth: Callable[[Settings], Doc], gke_settings: Settings
) -> None:
    from settings.ingress import CloudArmor

    ingress = gke_settings.ingress.model_copy(
        update={"cloud_armor": CloudArmor(waf_rules=("xss-v33-stable",))}
    )
    (policy,) = _res(
        tf_synth(gke_settings.model_copy(update={"ingress": ingress})),
        "google_compute_security_policy",
    ).values()
    assert [r["action"] for r in sorted(policy["rule"], key=lambda r: r["priority"])] == [
        "deny(403)",
        "allow",
    ]


def test_data_access_audit_logs_for_the_three_data_services(perimeter: Doc) -> None:
    configs = _res(perimeter, "google_project_iam_audit_config").values()
    assert {c["service"] for c in configs} == {
        "secretmanager.googleapis.com",
        "cloudsql.googleapis.com",
        "storage.googleapis.com",
    }
    for config in configs:
        assert config["project"] == "acme-ml-svc"
        assert [c["log_type"] for c in config["audit_log_config"]] == [
            "ADMIN_READ",
            "DATA_READ",
            "DATA_WRITE",
        ]
