"""The Gateway API edge's Google Cloud side (tests/configs/gateway.yaml): the static IP, the
Certificate Manager certificate with its DNS authorization and map, IAP grants that outlive
the backend service, the Gateway API on the created cluster, the load balancer's alerts and
the outputs."""

from __future__ import annotations

import re

import pytest

from infra.monitoring import gateway_forwarding_rule_regex
from settings import Settings
from tests.support.terraform import Doc, Synth, one, ref, res


@pytest.fixture(scope="module")
def gateway(tf_synth: Synth, gateway_settings: Settings) -> Doc:
    return tf_synth(gateway_settings)


def test_the_certificate_is_google_managed_with_a_dns_authorization_in_the_map(
    gateway: Doc, gateway_settings: Settings
) -> None:
    names, host = gateway_settings.names, gateway_settings.ingress.host
    auth = one(gateway, "google_certificate_manager_dns_authorization")
    assert (auth["name"], auth["domain"]) == (names.dns_authorization, host)
    cert = one(gateway, "google_certificate_manager_certificate")
    assert cert["name"] == names.certificate
    assert "scope" not in cert  # DEFAULT: global, the global external ALB's
    assert cert["managed"] == {
        "domains": [host],
        "dns_authorizations": [ref("google_certificate_manager_dns_authorization", gateway, "id")],
    }
    cert_map = one(gateway, "google_certificate_manager_certificate_map")
    assert cert_map["name"] == names.certificate_map
    entry = one(gateway, "google_certificate_manager_certificate_map_entry")
    assert entry["hostname"] == host
    assert entry["map"] == ref("google_certificate_manager_certificate_map", gateway, "name")
    assert entry["certificates"] == [ref("google_certificate_manager_certificate", gateway, "id")]
    for resource in (auth, cert, cert_map, entry):
        assert resource["project"] == gateway_settings.project_id


def test_the_static_ip_and_tls_policy_are_the_ingress_edges(
    gateway: Doc, gateway_settings: Settings
) -> None:
    (ip,) = [
        a
        for a in res(gateway, "google_compute_global_address").values()
        if a["name"] == gateway_settings.names.static_ip
    ]
    assert (ip["address_type"], ip["ip_version"]) == ("EXTERNAL", "IPV4")
    assert "purpose" not in ip  # a global external address, as the Gateway's NamedAddress needs
    policy = one(gateway, "google_compute_ssl_policy")
    assert (policy["min_tls_version"], policy["profile"]) == ("TLS_1_2", "MODERN")


def test_iap_grants_are_on_the_iap_web_resource_limited_to_the_host(
    gateway: Doc, gateway_settings: Settings
) -> None:
    grants = res(gateway, "google_iap_web_iam_member")
    assert {g["member"] for g in grants.values()} == set(gateway_settings.ingress.iap_members)
    for grant in grants.values():
        assert grant["role"] == "roles/iap.httpsResourceAccessor"
        assert (
            grant["condition"]["expression"] == f'request.host == "{gateway_settings.ingress.host}"'
        )
    assert not res(gateway, "google_iap_web_backend_service_iam_member")  # dies with the backend
    # A custom client: no organization needed, so no plan-time check for one.
    assert "google_project_ancestry" not in gateway.get("data", {})


def test_the_server_may_list_backend_services_to_find_its_audience(gateway: Doc) -> None:
    role = one(gateway, "google_project_iam_custom_role")
    assert role["permissions"] == ["compute.backendServices.list"]


def test_the_created_cluster_has_the_gateway_api_only_for_this_edge(gateway: Doc, gke: Doc) -> None:
    assert one(gateway, "google_container_cluster")["gateway_api_config"] == {
        "channel": "CHANNEL_STANDARD"
    }
    assert "gateway_api_config" not in one(gke, "google_container_cluster")


def test_the_certificate_manager_api_is_enabled_first(gateway: Doc, gke: Doc) -> None:
    services = {s["service"] for s in res(gateway, "google_project_service").values()}
    assert {"certificatemanager.googleapis.com", "iap.googleapis.com"} <= services
    gke_services = {s["service"] for s in res(gke, "google_project_service").values()}
    assert "certificatemanager.googleapis.com" not in gke_services
    (api,) = [
        address
        for address, s in res(gateway, "google_project_service").items()
        if s["service"] == "certificatemanager.googleapis.com"
    ]
    for type_ in (
        "google_certificate_manager_certificate",
        "google_certificate_manager_certificate_map",
    ):
        assert one(gateway, type_)["depends_on"] == [f"google_project_service.{api}"]


def test_the_load_balancer_metrics_select_the_gateways_forwarding_rule(
    gateway: Doc, gateway_settings: Settings
) -> None:
    names = gateway_settings.names
    pattern = gateway_forwarding_rule_regex(names.namespace, names.service)
    filters = [
        c["condition_threshold"]["filter"]
        for p in res(gateway, "google_monitoring_alert_policy").values()
        for c in p["conditions"]
        if "https_lb_rule" in c.get("condition_threshold", {}).get("filter", "")
    ]
    assert filters
    assert all(f'full_match("{pattern}")' in f for f in filters)
    assert re.fullmatch(pattern, f"gkegw1-ab12-{names.namespace}-{names.service}-0123456789ab")
    assert not re.fullmatch(pattern, f"k8s2-fs-1a2b3c4d-{names.namespace}-{names.service}-x")
    assert not re.fullmatch(pattern, f"gkegw1-ab12-other-{names.service}-0123456789ab")


def test_long_names_match_the_controllers_shortened_prefixes() -> None:
    pattern = gateway_forwarding_rule_regex(
        "a-very-long-namespace-name", "a-long-gateway-name-here"
    )
    assert re.fullmatch(
        pattern, "gkegw1-ab12-a-very-long-namespac-a-long-gateway-name-h-0123456789ab"
    )
    assert not re.fullmatch(
        pattern, "gkegw1-ab12-b-very-long-namespac-a-long-gateway-name-h-0123456789ab"
    )


def test_outputs_name_the_address_map_and_the_dns_record(gateway: Doc) -> None:
    outputs = gateway["output"]
    assert {
        "static_ip_address",
        "static_ip_name",
        "ssl_policy_name",
        "certificate_map_name",
    } <= set(outputs)
    record = outputs["dns_authorization_record"]["value"]
    assert "dns_resource_record[0].name" in record
    assert "dns_resource_record[0].data" in record
