"""A LoadBalancer Service outside Google Cloud: docker-desktop publishes it on
localhost:<local.service_port>; no ingress, no IAP."""

from __future__ import annotations

from k8s import flows
from k8s.edges.base import KubeEdge
from k8s.flows import Flow
from settings import ExternalCluster


class ServiceLoadBalancer(KubeEdge):
    @property
    def service_port(self) -> int:
        target = self.settings.target
        if isinstance(target, ExternalCluster):
            return target.local.service_port
        return self.settings.server.port

    def service(self) -> tuple[str, dict[str, str]]:
        return "LoadBalancer", {}

    def ingress_flows(self) -> list[Flow]:
        # What comes through the node's load balancer has no fixed range: the port only.
        return [flows.anywhere(self.settings.server.port)]
