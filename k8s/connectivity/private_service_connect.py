"""The instance's Private Service Connect endpoint in the VPC (infra/connectivity/
private_service_connect.py): the Auth Proxy dials the instance's DNS name, which the VPC's
private zone resolves to the endpoint's one address."""

from __future__ import annotations

from k8s import flows
from k8s.connectivity.base import KubeConnectivity
from k8s.flows import Flow
from settings.contract import CLOUD_SQL_PORT
from settings.database import psc_endpoint_address


class PrivateServiceConnect(KubeConnectivity):
    def proxy_args(self) -> list[str]:
        # https://cloud.google.com/sql/docs/postgres/configure-private-service-connect
        # ("Connect using the Cloud SQL Auth Proxy": --psc).
        return ["--psc"]

    def egress(self) -> list[Flow]:
        address = psc_endpoint_address(self.settings.database, self.settings.target)
        return [flows.to_cidrs([f"{address}/32"], CLOUD_SQL_PORT)]
