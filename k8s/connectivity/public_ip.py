"""The instance's public IP (no authorized networks: the proxy's mTLS and IAM only). Cloud
SQL's public addresses have no fixed range: the policy opens the port, not an address."""

from __future__ import annotations

from k8s import flows
from k8s.connectivity.base import KubeConnectivity
from k8s.flows import Flow
from settings.contract import CLOUD_SQL_PORT


class PublicIp(KubeConnectivity):
    def proxy_args(self) -> list[str]:
        return []  # the Auth Proxy's default: the instance's public IP

    def egress(self) -> list[Flow]:
        return [flows.anywhere(CLOUD_SQL_PORT)]
