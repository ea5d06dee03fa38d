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


def kube_dns() -> Flow:
    """DNS to the cluster's kube-dns pods, UDP and TCP."""
    peer = k8s.NetworkPolicyPeer(
        namespace_selector=k8s.LabelSelector(match_labels={NAMESPACE_LABEL: "kube-system"}),
        pod_selector=k8s.LabelSelector(match_labels={"k8s-app": "kube-dns"}),
    )
    return Flow((peer,), (("UDP", 53), ("TCP", 53)))
