"""How the server is reached and what it reaches: the Service, the Ingress and its GKE objects,
the metrics scrape, the NetworkPolicy. One test per invariant, on the synthesized charts."""

from __future__ import annotations

import json
from typing import Any

from settings import Settings
from settings.contract import PRIVATE_GOOGLE_APIS_CIDR
from tests.support import charts
from tests.support.charts import Objects, Synth


def test_service_types(gke: Objects, local: Objects, gke_settings: Settings) -> None:
    dev_svc, local_svc = charts.one(gke, "Service"), charts.one(local, "Service")
    assert dev_svc["spec"]["type"] == "ClusterIP"
    assert dev_svc["spec"]["ports"][0]["port"] == gke_settings.server.port
    assert local_svc["spec"]["type"] == "LoadBalancer"
    assert local_svc["spec"]["ports"][0]["port"] == 8081  # tests/configs/local.yaml
    for svc, objects in ((dev_svc, gke), (local_svc, local)):
        assert svc["spec"]["ports"][0]["targetPort"] == "http"
        pod_labels = charts.one(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
        assert svc["spec"]["selector"].items() <= pod_labels.items()


def test_ingress_on_the_static_ip_with_certificate_redirect_and_iap(
    gke_settings: Settings, gke: Objects
) -> None:
    names = gke_settings.names
    ingress = charts.one(gke, "Ingress")
    ann = ingress["metadata"]["annotations"]
    cert, frontend, backend = (
        charts.one(gke, k) for k in ("ManagedCertificate", "FrontendConfig", "BackendConfig")
    )
    assert ann["kubernetes.io/ingress.class"] == "gce"
    assert ann["kubernetes.io/ingress.global-static-ip-name"] == names.static_ip
    assert ann["networking.gke.io/managed-certificates"] == cert["metadata"]["name"]
    assert ann["networking.gke.io/v1beta1.FrontendConfig"] == frontend["metadata"]["name"]
    assert cert["spec"]["domains"] == [gke_settings.ingress.host]
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == gke_settings.ingress.host
    svc = charts.one(gke, "Service")
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == svc["metadata"]["name"]
    assert frontend["spec"] == {"redirectToHttps": {"enabled": True}, "sslPolicy": names.ssl_policy}
    svc_ann = svc["metadata"]["annotations"]
    assert json.loads(svc_ann["cloud.google.com/neg"]) == {"ingress": True}
    assert json.loads(svc_ann["cloud.google.com/backend-config"]) == {
        "default": backend["metadata"]["name"]
    }
    spec = backend["spec"]
    assert spec["healthCheck"]["requestPath"] == "/health"
    assert spec["healthCheck"]["port"] == gke_settings.server.port
    assert spec["timeoutSec"] == gke_settings.server.backend_timeout_seconds > 30
    assert spec["iap"] == {"enabled": True}  # no oauthclientCredentials: Google-managed client
    assert spec["logging"]["enable"] is True


def test_local_has_no_ingress_or_gke_resources(local: Objects) -> None:
    kinds = {o["kind"] for o in charts.every(local)}
    assert not kinds & {
        "Ingress",
        "BackendConfig",
        "FrontendConfig",
        "ManagedCertificate",
        "SecretProviderClass",
        "PodMonitoring",
    }


def test_metrics_are_scraped_by_managed_prometheus(gke: Objects) -> None:
    monitoring = charts.one(gke, "PodMonitoring")
    deployment = charts.one(gke, "Deployment")
    assert monitoring["spec"]["selector"] == deployment["spec"]["selector"]
    assert monitoring["spec"]["endpoints"] == [
        {"port": "http", "path": "/metrics", "interval": "30s"}
    ]


# --- NetworkPolicy -------------------------------------------------------------------------------


def _server_policy(objects: Objects) -> dict[str, Any]:
    """The policy of the server's pods (the gc pods have their own: tests/k8s/test_gc.py)."""
    labels = charts.one(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    (found,) = [
        o
        for o in charts.every(objects)
        if o["kind"] == "NetworkPolicy"
        and all(labels.get(k) == v for k, v in o["spec"]["podSelector"]["matchLabels"].items())
    ]
    return found


def test_network_policy(gke_settings: Settings, gke: Objects) -> None:
    policy = _server_policy(gke)["spec"]
    deployment = charts.one(gke, "Deployment")
    assert policy["podSelector"] == deployment["spec"]["selector"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    port = gke_settings.server.port
    for rule in policy["ingress"]:
        assert rule["ports"] == [{"port": port, "protocol": "TCP"}]
    cidrs = {p["ipBlock"]["cidr"] for r in policy["ingress"] for p in r["from"] if "ipBlock" in p}
    assert cidrs == {"130.211.0.0/22", "35.191.0.0/16"}
    (ns_rule,) = [p for r in policy["ingress"] for p in r["from"] if "namespaceSelector" in p]
    (expr,) = ns_rule["namespaceSelector"]["matchExpressions"]
    assert expr["key"] == "kubernetes.io/metadata.name"
    assert set(expr["values"]) == {*gke_settings.server.allowed_namespaces, "gke-gmp-system"}

    def egress(cidr: str) -> list[dict[str, Any]]:
        return [r["ports"] for r in policy["egress"] if r["to"] == [{"ipBlock": {"cidr": cidr}}]]

    assert egress("169.254.169.254/32") == [[{"port": 80, "protocol": "TCP"}]]
    assert egress("169.254.169.252/32") == [[{"port": 988, "protocol": "TCP"}]]
    assert egress(gke_settings.network.private_services_cidr) == [
        [{"port": 3307, "protocol": "TCP"}]
    ]
    assert egress(PRIVATE_GOOGLE_APIS_CIDR) == [[{"port": 443, "protocol": "TCP"}]]
    (dns,) = [r for r in policy["egress"] if "podSelector" in r["to"][0]]
    assert [p.get("podSelector") or p["ipBlock"] for p in dns["to"]] == [
        {"matchLabels": {"k8s-app": "kube-dns"}},
        {"matchLabels": {"k8s-app": "node-local-dns"}},
        {"cidr": "169.254.20.10/32"},
        {"cidr": "169.254.169.254/32"},
    ]
    assert sorted(p["protocol"] for p in dns["ports"]) == ["TCP", "UDP"]
    assert {p["port"] for p in dns["ports"]} == {53}
    assert len(policy["egress"]) == 5  # nothing else leaves the pod


def test_allowed_namespaces_reach_the_policy(k8s_synth: Synth, gke_settings: Settings) -> None:
    server = gke_settings.server.model_copy(update={"allowed_namespaces": ("notebooks",)})
    objects = k8s_synth(gke_settings.model_copy(update={"server": server}))
    policy = _server_policy(objects)["spec"]
    values = [
        p["namespaceSelector"]["matchExpressions"][0]["values"]
        for r in policy["ingress"]
        for p in r["from"]
        if "namespaceSelector" in p
    ]
    assert values == [["gke-gmp-system", "notebooks"]]
