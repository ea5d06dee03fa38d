"""The instance's private IP, in the private services access range peered to the VPC."""

from __future__ import annotations

from k8s import flows
from k8s.connectivity.base import KubeConnectivity
from k8s.flows import Flow
from settings import ExternalCluster
from settings.contract import CLOUD_SQL_PORT


class PrivateIp(KubeConnectivity):
    def proxy_args(self) -> list[str]:
        # The instance has no other address the cluster could reach.
        return ["--private-ip"]

    def egress(self) -> list[Flow]:
        target = self.settings.target
        if isinstance(target, ExternalCluster):
            raise ValueError(
                "database connectivity private-services-access needs the cluster's VPC; a "
                "cluster outside Google Cloud reaches the instance on its public IP"
            )
        return [flows.to_cidrs([target.private_services.cidr], CLOUD_SQL_PORT)]
