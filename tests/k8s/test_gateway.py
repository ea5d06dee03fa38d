"""The Gateway API edge's objects (ingress.api: gateway, tests/configs/gateway.yaml): the
Gateway, its routes and GKE's policies, as the Ingress edge's BackendConfig and FrontendConfig
set the same load balancer; and what changes around them (Service, NetworkPolicy, ConfigMap)."""

from __future__ import annotations

import pytest

from k8s.edges.gateway_chart import CERTMAP_ANNOTATION, GATEWAY_CLASS
from settings import Settings
from settings.contract import HEALTH_PATH, LOAD_BALANCER_RANGES
from tests.support.charts import Objects, Synth, config, every, one


@pytest.fixture(scope="module")
def gateway(k8s_synth: Synth, gateway_settings: Settings) -> Objects:
    return k8s_synth(gateway_settings)


def _named(objects: Objects, kind: str, name: str) -> dict:
    (found,) = [o for o in every(objects) if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def test_the_gateway_edge_has_its_own_chart_and_no_ingress(gateway: Objects) -> None:
    assert "30-gateway" in gateway
    assert "30-ingress" not in gateway
    kinds = sorted(o["kind"] for o in gateway["30-gateway"])
    assert kinds == [
        "GCPBackendPolicy",
        "GCPGatewayPolicy",
        "Gateway",
        "HTTPRoute",
        "HTTPRoute",
        "HealthCheckPolicy",
    ]
    assert not {"Ingress", "BackendConfig", "FrontendConfig", "ManagedCertificate"} & {
        o["kind"] for o in every(gateway)
    }


def test_the_gateway_is_the_global_external_alb_on_the_reserved_ip_with_the_map(
    gateway: Objects, gateway_settings: Settings
) -> None:
    names, host = gateway_settings.names, gateway_settings.ingress.host
    gw = one(gateway, "Gateway")
    assert gw["spec"]["gatewayClassName"] == GATEWAY_CLASS == "gke-l7-global-external-managed"
    assert gw["metadata"]["annotations"] == {CERTMAP_ANNOTATION: names.certificate_map}
    assert gw["spec"]["addresses"] == [{"type": "NamedAddress", "value": names.static_ip}]
    listeners = {item["name"]: item for item in gw["spec"]["listeners"]}
    assert {(v["protocol"], v["port"]) for v in listeners.values()} == {
        ("HTTPS", 443),
        ("HTTP", 80),
    }
    assert all(v["hostname"] == host for v in listeners.values())
    assert all(v["allowedRoutes"] == {"namespaces": {"from": "Same"}} for v in listeners.values())
    assert "tls" not in listeners["https"]  # the certificate map supplies the certificate


def test_https_routes_to_the_service_and_http_only_redirects(
    gateway: Objects, gateway_settings: Settings
) -> None:
    name, host = gateway_settings.names.service, gateway_settings.ingress.host
    service = one(gateway, "Service")
    route = _named(gateway, "HTTPRoute", name)["spec"]
    assert route["parentRefs"] == [{"name": name, "sectionName": "https"}]
    assert route["hostnames"] == [host]
    (rule,) = route["rules"]
    assert rule["matches"] == [{"path": {"type": "PathPrefix", "value": "/"}}]
    assert rule["backendRefs"] == [{"name": name, "port": service["spec"]["ports"][0]["port"]}]
    redirect = _named(gateway, "HTTPRoute", f"{name}-redirect")["spec"]
    assert redirect["parentRefs"] == [{"name": name, "sectionName": "http"}]
    (rule,) = redirect["rules"]
    assert "backendRefs" not in rule
    assert rule["filters"] == [
        {"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}
    ]


def test_iap_uses_the_custom_client_from_the_secret_make_secrets_fills(
    gateway: Objects, gateway_settings: Settings
) -> None:
    client = gateway_settings.ingress.oauth_client
    assert client is not None
    policy = one(gateway, "GCPBackendPolicy")["spec"]
    assert policy["targetRef"] == {"group": "", "kind": "Service", "name": "mlflow-server"}
    assert policy["default"]["iap"] == {
        "enabled": True,
        "clientID": client.client_id,
        "oauth2ClientSecret": {"name": gateway_settings.names.iap_oauth_secret},
    }
    assert client.secret not in str(list(every(gateway)))  # the secret's id is not even named


def test_timeouts_and_health_check_equal_the_ingress_edges(gateway: Objects, gke: Objects) -> None:
    backend_config = one(gke, "BackendConfig")["spec"]
    policy = one(gateway, "GCPBackendPolicy")["spec"]["default"]
    assert policy["timeoutSec"] == backend_config["timeoutSec"]
    assert policy["connectionDraining"] == backend_config["connectionDraining"]
    assert policy["logging"] == {"enabled": True, "sampleRate": 1_000_000}  # all, as sampleRate 1
    health = one(gateway, "HealthCheckPolicy")["spec"]
    assert health["targetRef"]["kind"] == "Service"
    check = health["default"]
    probe = backend_config["healthCheck"]
    for field in ("checkIntervalSec", "timeoutSec", "healthyThreshold", "unhealthyThreshold"):
        assert check[field] == probe[field], field
    http = check["config"]["httpHealthCheck"]
    assert check["config"]["type"] == "HTTP"
    assert http["requestPath"] == HEALTH_PATH
    assert (
        http["port"]
        == one(gateway, "Deployment")["spec"]["template"]["spec"]["containers"][0]["ports"][0][
            "containerPort"
        ]
    )


def test_the_tls_policy_is_the_ingress_edges(gateway: Objects, gateway_settings: Settings) -> None:
    policy = one(gateway, "GCPGatewayPolicy")["spec"]
    assert policy["targetRef"] == {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "name": one(gateway, "Gateway")["metadata"]["name"],
    }
    assert policy["default"] == {"sslPolicy": gateway_settings.names.ssl_policy}


def test_the_service_is_cluster_ip_without_ingress_annotations(gateway: Objects) -> None:
    service = one(gateway, "Service")
    assert service["spec"]["type"] == "ClusterIP"
    assert "annotations" not in service["metadata"]


def test_only_googles_front_ends_and_health_checkers_come_in(
    gateway: Objects, gateway_settings: Settings
) -> None:
    server = _named(gateway, "NetworkPolicy", gateway_settings.names.service)
    from_cidrs = {
        peer["ipBlock"]["cidr"]
        for rule in server["spec"]["ingress"]
        for peer in rule.get("from", [])
        if "ipBlock" in peer
    }
    assert from_cidrs == set(LOAD_BALANCER_RANGES)


def test_the_iap_plugin_looks_up_the_gateways_backend_by_port_number(
    gateway: Objects, gke: Objects, e2e_settings: Settings, k8s_synth: Synth
) -> None:
    data = config(gateway)
    assert data["IAP_SERVICE_PORT_NUMBER"] == str(
        one(gateway, "Service")["spec"]["ports"][0]["port"]
    )
    assert data["IAP_SERVICE"] == "mlg-gateway/mlflow-server"
    # The Ingress edge's lookup reads the description: no port number there.
    assert "IAP_SERVICE_PORT_NUMBER" not in config(k8s_synth(e2e_settings))
