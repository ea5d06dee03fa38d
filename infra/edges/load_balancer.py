"""A LoadBalancer Service outside Google Cloud (docker-desktop publishes it on localhost):
nothing to create on Google Cloud, no Google load balancer to watch."""

from __future__ import annotations

from cdktf import TerraformStack

from infra.apis import RequiredApis
from infra.edges.base import InfraEdge


class ServiceLoadBalancer(InfraEdge):
    def build(self, stack: TerraformStack, *, project: str, apis: RequiredApis) -> None:
        return None
