"""How users reach the server, the Kubernetes side: one object per edge, chosen once from
`settings.modes.edge` (settings/modes.py). infra/edges/ is the same edge's Google Cloud side.

A new edge is one module here and one entry in EDGES.
"""

from __future__ import annotations

from k8s.edges.base import KubeEdge
from k8s.edges.gateway import GatewayEdge
from k8s.edges.ingress import IngressEdge
from k8s.edges.load_balancer import ServiceLoadBalancer
from k8s.meta import Workload
from settings import Settings
from settings.modes import Edge

EDGES: dict[Edge, type[KubeEdge]] = {
    Edge.INGRESS: IngressEdge,
    Edge.GATEWAY: GatewayEdge,
    Edge.LOAD_BALANCER: ServiceLoadBalancer,
}


def edge_for(settings: Settings, workload: Workload) -> KubeEdge:
    return EDGES[settings.modes.edge](settings, workload)


__all__ = ["EDGES", "KubeEdge", "edge_for"]
