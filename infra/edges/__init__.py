"""How users reach the server, the Google Cloud side: one object per edge, chosen once from
`settings.modes.edge` (settings/modes.py). k8s/edges/ is the same edge's Kubernetes side.

A new edge is one module here and one entry in EDGES.
"""

from __future__ import annotations

from infra.edges.base import InfraEdge
from infra.edges.gateway import GatewayEdge
from infra.edges.ingress import IngressEdge
from infra.edges.load_balancer import ServiceLoadBalancer
from settings import Settings
from settings.modes import Edge

EDGES: dict[Edge, type[InfraEdge]] = {
    Edge.INGRESS: IngressEdge,
    Edge.GATEWAY: GatewayEdge,
    Edge.LOAD_BALANCER: ServiceLoadBalancer,
}


def edge_for(settings: Settings) -> InfraEdge:
    return EDGES[settings.modes.edge](settings)


__all__ = ["EDGES", "InfraEdge", "edge_for"]
