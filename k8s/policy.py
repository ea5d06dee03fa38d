"""Chart `40-policy`: the server pods' NetworkPolicy, default deny both ways, and the
garbage-collection pods', which admit nothing in and reach what the server reaches.

On GKE every peer is a known range. Outside Google Cloud the proxy reaches Cloud SQL's public IP
and the server the public googleapis.com addresses, which have no fixed range: the policy there
limits ports, not addresses (and is enforced only where the cluster's network does: kind's
kube-network-policies, Calico, Cilium; not docker-desktop).
"""

from __future__ import annotations

from typing import Any

from cdk8s import App, Chart
from cdk8s_plus_25 import k8s

from k8s.meta import Workload
from k8s.monitoring import GMP_NAMESPACE
from settings import PRIVATE_GOOGLE_APIS_CIDR, Settings

# Google Front Ends and health checkers of the external Application Load Balancer.
# https://cloud.google.com/load-balancing/docs/health-check-concepts#ip-ranges
LOAD_BALANCER_RANGES = ("130.211.0.0/22", "35.191.0.0/16")
# Workload Identity: pods call 169.254.169.254:80; GKE's metadata server answers on
# 169.254.169.252:988 (Dataplane V1 DNATs before the policy is evaluated).
METADATA_SERVER = (("169.254.169.254/32", 80), ("169.254.169.252/32", 988))
CLOUD_SQL_PORT = 3307  # the Auth Proxy's server-side port on the instance
HTTPS_PORT = 443
NAMESPACE_LABEL = "kubernetes.io/metadata.name"  # set by the API server on every namespace


def _tcp(port: int | str) -> k8s.NetworkPolicyPort:
    value = (
        k8s.IntOrString.from_number(port)
        if isinstance(port, int)
        else (k8s.IntOrString.from_string(port))
    )
    return k8s.NetworkPolicyPort(protocol="TCP", port=value)


def _cidr(cidr: str) -> k8s.NetworkPolicyPeer:
    return k8s.NetworkPolicyPeer(ip_block=k8s.IpBlock(cidr=cidr))


def _policy(
    chart: Chart,
    id: str,
    *,
    name: str,
    selector: dict[str, str],
    ingress: list[Any],
    egress: list[Any],
) -> None:
    k8s.KubeNetworkPolicy(
        chart,
        id,
        metadata=k8s.ObjectMeta(name=name),
        spec=k8s.NetworkPolicySpec(
            pod_selector=k8s.LabelSelector(match_labels=selector),
            policy_types=["Ingress", "Egress"],
            ingress=ingress or None,
            egress=egress,
        ),
    )


def _policies(chart: Chart, w: Workload, ingress: list[Any], egress: list[Any]) -> None:
    """The server's, and the gc pods' (nothing comes in: `mlflow gc` serves nothing)."""
    _policy(
        chart, "network-policy", name=w.name, selector=w.selector, ingress=ingress, egress=egress
    )
    _policy(
        chart,
        "gc-network-policy",
        name=w.gc_name,
        selector=w.gc_selector,
        ingress=[],
        egress=egress,
    )


def _dns() -> k8s.NetworkPolicyEgressRule:
    return k8s.NetworkPolicyEgressRule(
        to=[
            k8s.NetworkPolicyPeer(
                namespace_selector=k8s.LabelSelector(match_labels={NAMESPACE_LABEL: "kube-system"}),
                pod_selector=k8s.LabelSelector(match_labels={"k8s-app": "kube-dns"}),
            )
        ],
        ports=[
            k8s.NetworkPolicyPort(protocol=proto, port=k8s.IntOrString.from_number(53))
            for proto in ("UDP", "TCP")
        ],
    )


def build_local_policy_chart(app: App, settings: Settings) -> Chart:
    """Outside Google Cloud: the server port in (the LoadBalancer), HTTPS and 3307 out."""
    w = Workload.of(settings)
    chart = Chart(app, "40-policy", namespace=w.namespace, labels=w.labels)
    ingress = [k8s.NetworkPolicyIngressRule(ports=[_tcp(settings.server.port)])]
    egress = [
        _dns(),
        # Google APIs (STS, IAM credentials, GCS, SQL Admin) and the instance's public IP.
        k8s.NetworkPolicyEgressRule(ports=[_tcp(HTTPS_PORT), _tcp(CLOUD_SQL_PORT)]),
    ]
    _policies(chart, w, ingress, egress)
    return chart


RFC1918 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


def _google_apis(settings: Settings) -> k8s.NetworkPolicyEgressRule:
    """GCS, Secret Manager, SQL Admin, IAM: on the VIP that *.googleapis.com resolves to in the
    VPC (a zone of infra/'s or the team's); without one (existing_cluster.google_apis: public),
    on Google's public addresses, which have no fixed range: HTTPS outside the private ranges."""
    if settings.google_apis_private:
        return k8s.NetworkPolicyEgressRule(
            to=[_cidr(PRIVATE_GOOGLE_APIS_CIDR)], ports=[_tcp(HTTPS_PORT)]
        )
    public = k8s.IpBlock(cidr="0.0.0.0/0", except_=list(RFC1918))
    return k8s.NetworkPolicyEgressRule(
        to=[k8s.NetworkPolicyPeer(ip_block=public)], ports=[_tcp(HTTPS_PORT)]
    )


def build_policy_chart(app: App, settings: Settings) -> Chart:
    w = Workload.of(settings)
    chart = Chart(app, "40-policy", namespace=w.namespace, labels=w.labels)
    server_port = [_tcp(settings.server.port)]
    namespaces = sorted({*settings.server.allowed_namespaces, GMP_NAMESPACE})
    ingress = [
        k8s.NetworkPolicyIngressRule(
            from_=[_cidr(c) for c in LOAD_BALANCER_RANGES], ports=server_port
        ),
        k8s.NetworkPolicyIngressRule(
            from_=[
                k8s.NetworkPolicyPeer(
                    namespace_selector=k8s.LabelSelector(
                        match_expressions=[
                            k8s.LabelSelectorRequirement(
                                key=NAMESPACE_LABEL, operator="In", values=namespaces
                            )
                        ]
                    )
                )
            ],
            ports=server_port,
        ),
    ]
    egress = [
        _dns(),
        *(
            k8s.NetworkPolicyEgressRule(to=[_cidr(cidr)], ports=[_tcp(port)])
            for cidr, port in METADATA_SERVER
        ),
        k8s.NetworkPolicyEgressRule(
            to=[_cidr(settings.private_services_cidr)], ports=[_tcp(CLOUD_SQL_PORT)]
        ),
        _google_apis(settings),
    ]
    _policies(chart, w, ingress, egress)
    return chart
