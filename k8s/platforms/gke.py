"""GKE: Workload Identity, the Secret Manager add-on, container-native load balancing, IAP."""

from __future__ import annotations

import ipaddress
import json

from cdk8s import App, Chart
from cdk8s_plus_25 import k8s

from k8s import proxy
from k8s.ingress import build_ingress_chart
from k8s.monitoring import add_pod_monitoring
from k8s.platforms.base import KubePlatform
from k8s.policy import build_policy_chart
from k8s.secrets import secret_provider_class

# Secrets Store CSI driver of GKE's Secret Manager add-on.
GKE_SECRETS_CSI_DRIVER = "secrets-store-gke.csi.k8s.io"  # pragma: allowlist secret


class GkePlatform(KubePlatform):
    def allowed_hosts(self) -> list[str]:
        host = self.settings.ingress.host
        # Managed Prometheus scrapes /metrics by pod IP: the pod range's addresses are hosts too.
        return [host, f"{host}:443", *_ip_patterns(self.settings.pods_cidr)]

    def allowed_origins(self) -> list[str]:
        # The ingress over HTTPS: a browser omits the default port from Origin.
        return [f"https://{self.settings.ingress.host}"]

    def service_account_annotations(self) -> dict[str, str]:
        # Workload Identity: the pods act as the workload GSA, no key anywhere.
        return {"iam.gke.io/gcp-service-account": self.settings.names.workload_sa_email}

    def add_secret_objects(self, chart: Chart) -> None:
        # No Secret object: the add-on mounts the password from Secret Manager with the pod's
        # Workload Identity, so dist/ never holds a value.
        secret_provider_class(chart, self.settings)

    def password_volume(self, name: str) -> k8s.Volume:
        return k8s.Volume(
            name=name,
            csi=k8s.CsiVolumeSource(
                driver=GKE_SECRETS_CSI_DRIVER,
                read_only=True,
                volume_attributes={"secretProviderClass": self.workload.secret_provider_class},
            ),
        )

    def proxy_container(self) -> k8s.Container:
        # Workload Identity, and the instance's private IP in the peered VPC (it has no other).
        return proxy.proxy_container(
            connection_name=self.settings.names.connection_name,
            image=self.settings.server.proxy_image,
            sizes=self.settings.server.resources.proxy,
        )

    def service(self) -> tuple[str, dict[str, str]]:
        return "ClusterIP", {
            # Container-native load balancing: the LB targets pod IPs (NEG), no node hop.
            "cloud.google.com/neg": json.dumps({"ingress": True}),
            "cloud.google.com/backend-config": json.dumps({"default": self.workload.name}),
        }

    def add_server_extras(self, chart: Chart) -> None:
        add_pod_monitoring(chart, self.settings, self.workload)

    def extra_charts(self, app: App) -> list[Chart]:
        return [build_ingress_chart(app, self.settings), build_policy_chart(app, self.settings)]


def _ip_patterns(cidr: str) -> list[str]:
    """fnmatch patterns (MLflow's syntax) that cover a CIDR, one per octet-aligned block."""
    net = ipaddress.ip_network(cidr)
    boundary = -(-net.prefixlen // 8) * 8  # round up to an octet
    patterns = []
    for block in net.subnets(new_prefix=boundary):
        octets = str(block.network_address).split(".")[: boundary // 8]
        patterns.append(".".join(octets) + ".*")
    return patterns
