"""The traffic a NetworkPolicy admits, as plain values each mode contributes (k8s/policy.py
turns them into the policies).

A `Flow` is one rule: from or to some peers, on some ports. Peers None means any address;
`merge` joins every such any-address flow into one rule with its ports in ascending order, so
that modes that each open a port to anywhere (outside Google Cloud: HTTPS to Google's APIs,
3307 to Cloud SQL's public IP) give one rule, as a person would write it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdk8s_plus_33 import k8s

NAMESPACE_LABEL = "kubernetes.io/metadata.name"  # set by the API server on every namespace
HTTPS_PORT = 443


@dataclass(frozen=True)
class Flow:
    """Traffic to or from `peers` (None: any address) on `ports`, each (protocol, number)."""

    peers: tuple[k8s.NetworkPolicyPeer, ...] | None
    ports: tuple[tuple[str, int], ...]

    def policy_ports(self) -> list[k8s.NetworkPolicyPort]:
        return [
            k8s.NetworkPolicyPort(protocol=protocol, port=k8s.IntOrString.from_number(number))
            for protocol, number in self.ports
        ]


def tcp(*ports: int) -> tuple[tuple[str, int], ...]:
    return tuple(("TCP", port) for port in ports)


def cidrs(*blocks: str) -> tuple[k8s.NetworkPolicyPeer, ...]:
    return tuple(k8s.NetworkPolicyPeer(ip_block=k8s.IpBlock(cidr=block)) for block in blocks)


def to_cidrs(blocks: Sequence[str], *ports: int) -> Flow:
    return Flow(cidrs(*blocks), tcp(*ports))


def anywhere(*ports: int) -> Flow:
    return Flow(None, tcp(*ports))


def namespaces(names: Sequence[str], *ports: int) -> Flow:
    """From pods of the namespaces `names` (by the label the API server sets)."""
    selector = k8s.LabelSelector(
        match_expressions=[
            k8s.LabelSelectorRequirement(key=NAMESPACE_LABEL, operator="In", values=list(names))
        ]
    )
    return Flow((k8s.NetworkPolicyPeer(namespace_selector=selector),), tcp(*ports))


def merge(flows: Sequence[Flow]) -> list[Flow]:
    """`flows` in order, with every any-address flow joined into the first one's place."""
    merged: list[Flow] = []
    open_ports: list[tuple[str, int]] = []
    for flow in flows:
        if flow.peers is not None:
            merged.append(flow)
        elif not open_ports:
            merged.append(flow)  # a placeholder, replaced below
            open_ports += flow.ports
        else:
            open_ports += flow.ports
    return [
        Flow(None, tuple(sorted(dict.fromkeys(open_ports), key=lambda p: (p[1], p[0]))))
        if flow.peers is None
        else flow
        for flow in merged
    ]


def egress_rules(flows: Sequence[Flow]) -> list[k8s.NetworkPolicyEgressRule]:
    return [
        k8s.NetworkPolicyEgressRule(
            to=list(flow.peers) if flow.peers is not None else None, ports=flow.policy_ports()
        )
        for flow in merge(flows)
    ]


def ingress_rules(flows: Sequence[Flow]) -> list[k8s.NetworkPolicyIngressRule]:
    return [
        k8s.NetworkPolicyIngressRule(
            from_=list(flow.peers) if flow.peers is not None else None,
            ports=flow.policy_ports(),
        )
        for flow in merge(flows)
    ]


# Where a pod's DNS query goes on GKE today (each is a peer of one rule, UDP and TCP 53):
# - kube-dns: the classic provider; its pods in kube-system (k8s-app=kube-dns).
# - NodeLocal DNSCache: on by default on Autopilot (cannot be turned off) and on Standard from
#   1.34.1-gke.3720000 (https://cloud.google.com/kubernetes-engine/docs/how-to/nodelocal-dns-cache).
#   Its cache listens on the link-local 169.254.20.10 (the add-on's default address,
#   kubernetes/kubernetes cluster/addons/dns/nodelocaldns/README.md: "When running nodelocaldns
#   addon on clusters using network policy, additional rules might be required"); where it runs
#   as a pod, GKE labels it k8s-app=node-local-dns in kube-system.
# - Cloud DNS for GKE: Autopilot always uses it ("New Autopilot clusters use Cloud DNS and you
#   can't modify the DNS provider": https://cloud.google.com/kubernetes-engine/docs/concepts/
#   service-discovery, and https://cloud.google.com/kubernetes-engine/docs/concepts/about-cloud-dns);
#   GKE nodes then ask the metadata server, 169.254.169.254, Cloud DNS' resolver on every VM
#   (https://cloud.google.com/dns/docs/vpc-name-res-order), and kubelet writes that address into
#   every pod's resolv.conf (as tektoncd/operator#4000 shows on a live cluster).
# A pod or namespace selector never matches a link-local address (they are not pods), so each
# needs its own ipBlock: tektoncd/operator#4000 and restatedev/restate-operator#88 report the
# total DNS failure that a kube-dns-only rule causes on Dataplane V2. Peers that a cluster does
# not use never match anything, so the rule is the same on every GKE cluster.
DNS_PODS = (("kube-system", "kube-dns"), ("kube-system", "node-local-dns"))
NODE_LOCAL_DNS = "169.254.20.10/32"
METADATA_DNS = "169.254.169.254/32"
DNS_PORTS = (("UDP", 53), ("TCP", 53))


def dns(*link_local: str) -> Flow:
    """DNS (UDP and TCP 53) to the cluster's DNS pods and the resolvers at `link_local`."""
    pods = tuple(
        k8s.NetworkPolicyPeer(
            namespace_selector=k8s.LabelSelector(match_labels={NAMESPACE_LABEL: namespace}),
            pod_selector=k8s.LabelSelector(match_labels={"k8s-app": app}),
        )
        for namespace, app in DNS_PODS
    )
    return Flow(pods + cidrs(*link_local), DNS_PORTS)
