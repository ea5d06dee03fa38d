"""The Gateway API on GKE: GKE's Gateway controller builds a global external Application Load
Balancer, with container-native load balancing to the pods (NEGs, no Service annotation:
https://cloud.google.com/kubernetes-engine/docs/concepts/gateway-api#container-native_load_balancing),
a Certificate Manager certificate on the reserved global IP and IAP with the team's OAuth
client (chart 30-gateway, k8s/edges/gateway_chart.py)."""

from __future__ import annotations

from cdk8s import App, Chart

from k8s import flows
from k8s.edges.base import KubeEdge
from k8s.edges.gateway_chart import GatewayChart
from k8s.flows import Flow
from settings.contract import IAP_SERVICE_PORT_NUMBER_ENV, LOAD_BALANCER_RANGES


class GatewayEdge(KubeEdge):
    def service(self) -> tuple[str, dict[str, str]]:
        return "ClusterIP", {}

    def allowed_hosts(self) -> list[str]:
        host = self.settings.ingress.host
        return [host, f"{host}:443"]

    def allowed_origins(self) -> list[str]:
        # HTTPS only: a browser omits the default port from Origin.
        return [f"https://{self.settings.ingress.host}"]

    def iap_lookup(self) -> dict[str, str]:
        # GKE's Gateway names the backend service after the Service's port number
        # (gkegw1-<hash>-<namespace>-<service>-<port>-<hash>), not its name as the Ingress does.
        return {IAP_SERVICE_PORT_NUMBER_ENV: str(self.service_port)}

    def charts(self, app: App) -> list[Chart]:
        s, names = self.settings, self.names
        client = s.ingress.oauth_client
        if client is None:  # the settings refuse api: gateway without one
            raise ValueError("ingress.api: gateway needs ingress.oauth_client")
        return [
            GatewayChart(
                app,
                "30-gateway",
                workload=self.workload,
                host=s.ingress.host,
                static_ip=names.static_ip,
                certificate_map=names.certificate_map,
                ssl_policy=names.ssl_policy,
                service_port=self.service_port,
                backend_port=s.server.port,
                oauth_client_id=client.client_id,
                oauth_secret=names.iap_oauth_secret,
                backend_timeout_seconds=s.server.backend_timeout_seconds,
                security_policy=(self.names.security_policy if s.ingress.cloud_armor else None),
            )
        ]

    def ingress_flows(self) -> list[Flow]:
        # The global external Application Load Balancer's proxies (Google Front Ends) and its
        # health checkers come from these ranges, as the Ingress edge's: https://cloud.google.com/
        # load-balancing/docs/https#firewall_rules, https://cloud.google.com/kubernetes-engine/
        # docs/how-to/deploying-gateways (the controller's firewall rule admits the same).
        return [flows.to_cidrs(LOAD_BALANCER_RANGES, self.settings.server.port)]
