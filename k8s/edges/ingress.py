"""The GKE Ingress: container-native load balancing to the pods (NEG), a managed certificate on
the reserved global IP, IAP on the backend (chart 30-ingress, k8s/edges/ingress_chart.py)."""

from __future__ import annotations

import json

from cdk8s import App, Chart

from k8s import flows
from k8s.edges.base import KubeEdge
from k8s.edges.ingress_chart import IngressChart
from k8s.flows import Flow
from settings.contract import LOAD_BALANCER_RANGES


class IngressEdge(KubeEdge):
    def service(self) -> tuple[str, dict[str, str]]:
        return "ClusterIP", {
            # Container-native load balancing: the LB targets pod IPs (NEG), no node hop.
            "cloud.google.com/neg": json.dumps({"ingress": True}),
            "cloud.google.com/backend-config": json.dumps({"default": self.workload.name}),
        }

    def allowed_hosts(self) -> list[str]:
        host = self.settings.ingress.host
        return [host, f"{host}:443"]

    def allowed_origins(self) -> list[str]:
        # The ingress over HTTPS: a browser omits the default port from Origin.
        return [f"https://{self.settings.ingress.host}"]

    def charts(self, app: App) -> list[Chart]:
        s = self.settings
        return [
            IngressChart(
                app,
                "30-ingress",
                workload=self.workload,
                host=s.ingress.host,
                static_ip=self.names.static_ip,
                ssl_policy=self.names.ssl_policy,
                backend_port=s.server.port,
                backend_timeout_seconds=s.server.backend_timeout_seconds,
                oauth_secret=self.names.iap_oauth_secret if s.ingress.oauth_client else None,
                security_policy=(self.names.security_policy if s.ingress.cloud_armor else None),
            )
        ]

    def ingress_flows(self) -> list[Flow]:
        # Google Front Ends and the load balancer's health checkers.
        return [flows.to_cidrs(LOAD_BALANCER_RANGES, self.settings.server.port)]
