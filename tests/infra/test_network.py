"""The project's APIs and network, one test per invariant, on the synthesized Terraform JSON."""

from __future__ import annotations

import pytest

from settings import Settings
from settings.contract import PRIVATE_GOOGLE_APIS_IPS
from tests.support.terraform import Doc, one, ref, res

ISSUE_APIS = {
    f"{api}.googleapis.com"
    for api in (
        "container",
        "sqladmin",
        "iam",
        "iamcredentials",
        "artifactregistry",
        "cloudbuild",
        "secretmanager",
        "servicenetworking",
        "compute",
        "iap",
    )
}


def test_required_apis_enabled_and_kept_on_destroy(gke: Doc, local: Doc) -> None:
    services = {r["service"] for r in res(gke, "google_project_service").values()}
    assert services >= ISSUE_APIS | {"dns.googleapis.com"}
    for doc in (gke, local):
        for r in res(doc, "google_project_service").values():
            assert r["disable_on_destroy"] is False, r["service"]
    local_services = {r["service"] for r in res(local, "google_project_service").values()}
    assert "sqladmin.googleapis.com" in local_services
    assert "container.googleapis.com" not in local_services


# --- Network -------------------------------------------------------------------------------------


def test_vpc_native_subnet_with_private_google_access(gke: Doc, gke_settings: Settings) -> None:
    net = gke_settings.network
    vpc = one(gke, "google_compute_network")
    assert vpc["name"] == gke_settings.names.network
    assert vpc["auto_create_subnetworks"] is False
    subnet = one(gke, "google_compute_subnetwork")
    assert subnet["name"] == gke_settings.names.subnet
    assert subnet["ip_cidr_range"] == net.subnet_cidr
    assert subnet["private_ip_google_access"] is True
    assert subnet["log_config"]["flow_sampling"] > 0
    ranges = {r["range_name"]: r["ip_cidr_range"] for r in subnet["secondary_ip_range"]}
    assert ranges == {"pods": net.pods_cidr, "services": net.services_cidr}
    cluster = one(gke, "google_container_cluster")
    assert cluster["ip_allocation_policy"] == {
        "cluster_secondary_range_name": "pods",
        "services_secondary_range_name": "services",
    }
    assert cluster["networking_mode"] == "VPC_NATIVE"


def test_private_services_access_for_cloud_sql(gke: Doc, gke_settings: Settings) -> None:
    psa = next(
        r
        for r in res(gke, "google_compute_global_address").values()
        if r.get("purpose") == "VPC_PEERING"
    )
    assert psa["name"] == gke_settings.names.private_services_range
    assert f"{psa['address']}/{psa['prefix_length']}" == (
        gke_settings.network.private_services_cidr
    )
    conn = one(gke, "google_service_networking_connection")
    assert conn["service"] == "servicenetworking.googleapis.com"
    assert conn["network"] == ref("google_compute_network", gke, "id")
    sql = one(gke, "google_sql_database_instance")
    assert sql["settings"]["ip_configuration"]["private_network"] == conn["network"]
    # The instance waits for the peering; otherwise its creation fails on a fresh project.
    connection_address = next(iter(res(gke, "google_service_networking_connection")))
    assert f"google_service_networking_connection.{connection_address}" in sql["depends_on"]


def test_cloud_nat_for_the_subnet(gke: Doc, gke_settings: Settings) -> None:
    router = one(gke, "google_compute_router")
    nat = one(gke, "google_compute_router_nat")
    assert (router["name"], nat["name"]) == (gke_settings.names.router, gke_settings.names.nat)
    assert nat["nat_ip_allocate_option"] == "AUTO_ONLY"
    assert nat["subnetwork"] == [
        {
            "name": ref("google_compute_subnetwork", gke, "id"),
            "source_ip_ranges_to_nat": ["ALL_IP_RANGES"],
        }
    ]


def test_private_google_zones(gke: Doc) -> None:
    """googleapis.com (every API) and gstatic.com (IAP's signing keys, www.gstatic.com) both
    resolve to private.googleapis.com's addresses, the only ones the NetworkPolicy allows."""
    zones = {z["dns_name"]: z for z in res(gke, "google_dns_managed_zone").values()}
    assert set(zones) == {"googleapis.com.", "gstatic.com."}
    for zone in zones.values():
        assert zone["visibility"] == "private"
        assert zone["private_visibility_config"]["networks"] == [
            {"network_url": ref("google_compute_network", gke, "id")}
        ]
    records = {r["name"]: r for r in res(gke, "google_dns_record_set").values()}
    assert records["private.googleapis.com."]["type"] == "A"
    assert records["private.googleapis.com."]["rrdatas"] == list(PRIVATE_GOOGLE_APIS_IPS)
    assert records["*.googleapis.com."]["type"] == "CNAME"
    assert records["*.googleapis.com."]["rrdatas"] == ["private.googleapis.com."]
    assert records["gstatic.com."]["type"] == "A"
    assert records["gstatic.com."]["rrdatas"] == list(PRIVATE_GOOGLE_APIS_IPS)
    assert records["*.gstatic.com."]["type"] == "CNAME"
    assert records["*.gstatic.com."]["rrdatas"] == ["gstatic.com."]
    by_zone = {r["name"]: r["managed_zone"] for r in records.values()}
    assert by_zone["*.gstatic.com."] == by_zone["gstatic.com."] != by_zone["*.googleapis.com."]


@pytest.mark.parametrize(
    "type_",
    [
        "google_compute_network",
        "google_compute_router_nat",
        "google_container_cluster",
        "google_container_node_pool",
        "google_dns_managed_zone",
        "google_iap_web_iam_member",
    ],
)
def test_local_profile_has_no_gke_side(local: Doc, type_: str) -> None:
    assert not res(local, type_)
    assert not res(local, "google_compute_global_address")
