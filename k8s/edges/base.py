"""What the charts ask of the way users reach the server: the edge's Kubernetes side."""

from __future__ import annotations

from abc import ABC, abstractmethod

from cdk8s import App, Chart

from k8s.flows import Flow
from k8s.meta import Workload
from settings import Settings


class KubeEdge(ABC):
    def __init__(self, settings: Settings, workload: Workload) -> None:
        self.settings = settings
        self.names = settings.names
        self.workload = workload

    @property
    def service_port(self) -> int:
        """The Service's port. Default: the server's container port."""
        return self.settings.server.port

    @abstractmethod
    def service(self) -> tuple[str, dict[str, str]]:
        """The Service's type and annotations."""

    def allowed_hosts(self) -> list[str]:
        """Host headers users send through the edge. Default: none."""
        return []

    def allowed_origins(self) -> list[str]:
        """Browser origins users come from through the edge (CORS). Default: none."""
        return []

    def iap_lookup(self) -> dict[str, str]:
        """What the IAP plugin needs, beyond the Service, to find the backend service this edge's
        controller builds (mlflow_iap_auth.backend_services). Default: nothing (the GKE Ingress
        names the Service and its port in the backend service's description)."""
        return {}

    def charts(self, app: App) -> list[Chart]:
        """The edge's own charts, after 20-server. Default: none."""
        return []

    @abstractmethod
    def ingress_flows(self) -> list[Flow]:
        """Who the NetworkPolicy admits to the server port from outside the cluster."""
