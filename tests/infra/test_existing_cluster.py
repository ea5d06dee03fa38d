"""platform gke-existing: MLflow in a GKE cluster the team already runs (Standard in a shared
VPC, or Autopilot), creating only what MLflow needs and checking the cluster at plan time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from settings import Settings

Doc = dict[str, Any]


@pytest.fixture(scope="module")
def shared(tf_synth: Callable[[Settings], Doc], shared_settings: Settings) -> Doc:
    return tf_synth(shared_settings)


@pytest.fixture(scope="module")
def auto(tf_synth: Callable[[Settings], Doc], autopilot_settings: Settings) -> Doc:
    return tf_synth(autopilot_settings)


def _res(doc: Doc, type_: str) -> dict[str, dict[str, Any]]:
    return dict(doc.get("resource", {}).get(type_, {}))


def _data(doc: Doc, type_: str) -> dict[str, dict[str, Any]]:
    return dict(doc.get("data", {}).get(type_, {}))


# --- Terraform: only what MLflow needs ---------------------------------------------------------


@pytest.mark.parametrize("env", ["shared", "auto"])
def test_no_network_cluster_or_node_pool_is_created(
    env: str, request: pytest.FixtureRequest
) -> None:
    doc = request.getfixturevalue(env)
    for type_ in (
        "google_compute_network",
        "google_compute_subnetwork",
        "google_compute_router",
        "google_compute_router_nat",
        "google_container_cluster",
        "google_container_node_pool",
    ):
        assert not _res(doc, type_), type_
    for type_ in (
        "google_sql_database_instance",
        "google_storage_bucket",
        "google_compute_global_address",
    ):
        assert _res(doc, type_), type_


def test_the_cluster_is_checked_at_plan_time_with_the_fix(
    shared: Doc, shared_settings: Settings
) -> None:
    (cluster,) = _data(shared, "google_container_cluster").values()
    existing = shared_settings.existing_cluster
    assert existing is not None
    assert (cluster["name"], cluster["location"], cluster["project"]) == (
        existing.name,
        existing.location,
        shared_settings.target.project,
    )
    checks = {c["condition"]: c["error_message"] for c in cluster["lifecycle"]["postcondition"]}
    pool = f"{shared_settings.target.project}.svc.id.goog"
    expected = {
        "workload_identity_config": f"--workload-pool={pool}",
        "secret_manager_config": "--enable-secret-manager",
        "http_load_balancing": "HttpLoadBalancing=ENABLED",
        "managed_prometheus": "--enable-managed-prometheus",
        "ADVANCED_DATAPATH": "--enable-network-policy",
        "self.enable_autopilot == false": "existing_cluster.autopilot",
        "shared-vpc": "existing_cluster.network",
        "self.master_version": "--master --cluster-version=1.29",
        "GKE_METADATA": "--workload-metadata=GKE_METADATA",
    }
    for needle, fix in expected.items():
        (message,) = [m for c, m in checks.items() if needle in c]
        assert fix in message, message
        assert message.startswith("cluster platform-gke (europe-west3, project acme-ml-svc) lacks")


def test_an_autopilot_cluster_needs_no_network_policy_check(auto: Doc) -> None:
    (cluster,) = _data(auto, "google_container_cluster").values()
    conditions = [c["condition"] for c in cluster["lifecycle"]["postcondition"]]
    assert "${self.enable_autopilot == true}" in conditions
    assert not [c for c in conditions if "ADVANCED_DATAPATH" in c]  # always Dataplane V2
    assert not [c for c in conditions if "GKE_METADATA" in c]  # always the metadata server
    assert [c for c in conditions if "self.master_version" in c]  # native sidecars: 1.29+


def test_autopilot_nodes_read_from_the_cluster_may_pull_the_image(auto: Doc) -> None:
    """No node_service_account in the config: the account Autopilot's nodes run as is read
    from the cluster ("default": the Compute Engine default account) and granted read."""
    (reader,) = [
        g["member"]
        for g in _res(auto, "google_artifact_registry_repository_iam_member").values()
        if g["role"] == "roles/artifactregistry.reader"
    ]
    assert reader.startswith("serviceAccount:${")
    assert "cluster_autoscaling[0].auto_provisioning_defaults[0].service_account" in reader
    assert "-compute@developer.gserviceaccount.com" in reader  # what "default" stands for


def test_the_clusters_dns_provider_is_reported(auto: Doc, shared: Doc) -> None:
    assert "NodeLocal DNSCache (169.254.20.10)" in auto["output"]["cluster_dns"]["value"]
    value = shared["output"]["cluster_dns"]["value"]
    assert "dns_config[0].cluster_dns" in value
    assert "dns_cache_config[0].enabled" in value


def test_a_shared_vpcs_existing_range_is_checked_not_created(
    shared: Doc, shared_settings: Settings
) -> None:
    assert not _res(shared, "google_service_networking_connection")
    (address,) = _data(shared, "google_compute_global_address").values()
    assert (address["name"], address["project"]) == (
        "google-managed-services-shared-vpc",
        "acme-net-host",
    )
    conditions = " ".join(c["condition"] for c in address["lifecycle"]["postcondition"])
    assert 'self.address == "10.200.0.0" && self.prefix_length == 16' in conditions
    (network,) = _data(shared, "google_compute_network").values()
    assert (network["name"], network["project"]) == ("shared-vpc", "acme-net-host")
    (sql,) = _res(shared, "google_sql_database_instance").values()
    ip = sql["settings"]["ip_configuration"]
    assert ip["private_network"].startswith("${data.google_compute_network.")
    assert ip["allocated_ip_range"] == "google-managed-services-shared-vpc"
    assert ip["ipv4_enabled"] is False


def test_the_teams_vpc_keeps_its_peering_and_gets_the_private_zones(auto: Doc) -> None:
    # The network owner's private services access: checked, never created or removed here.
    assert not _res(auto, "google_service_networking_connection")
    assert not _res(auto, "terraform_data")
    (reserved,) = _data(auto, "google_compute_global_address").values()
    assert reserved["name"] == "google-managed-services-apps-vpc"
    zones = _res(auto, "google_dns_managed_zone").values()  # google_apis: private-create
    assert sorted(z["dns_name"] for z in zones) == ["googleapis.com.", "gstatic.com."]


def test_identity_edge_and_pulls_live_where_the_cluster_is(
    shared: Doc, shared_settings: Settings
) -> None:
    names = shared_settings.names
    grants = _res(shared, "google_service_account_iam_member").values()
    (wi,) = [g for g in grants if g["role"] == "roles/iam.workloadIdentityUser"]
    assert wi["member"] == "serviceAccount:acme-ml-svc.svc.id.goog[mls-shared/mlflow-server]"
    for type_ in ("google_compute_global_address", "google_compute_ssl_policy"):
        for r in _res(shared, type_).values():
            if r.get("address_type") == "EXTERNAL" or type_ == "google_compute_ssl_policy":
                assert r["project"] == shared_settings.target.project
    for r in _res(shared, "google_iap_web_iam_member").values():
        assert r["project"] == shared_settings.target.project
    readers = [
        g["member"]
        for g in _res(shared, "google_artifact_registry_repository_iam_member").values()
        if g["role"] == "roles/artifactregistry.reader"
    ]
    assert readers == ["serviceAccount:platform-nodes@acme-ml-svc.iam.gserviceaccount.com"]
    assert names.cluster == "platform-gke"
