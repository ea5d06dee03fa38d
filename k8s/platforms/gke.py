"""GKE: Workload Identity, the Secret Manager add-on, Managed Prometheus, the VPC's ranges."""

from __future__ import annotations

from collections.abc import Sequence

from cdk8s import Chart
from cdk8s_plus_33 import k8s

from k8s import flows
from k8s.flows import Flow
from k8s.monitoring import GMP_NAMESPACE, add_pod_monitoring
from k8s.platforms.base import KubePlatform
from k8s.platforms.secret_provider import secret_provider_class
from k8s.pod_secrets import SecretFile
from settings import GkeTarget
from settings.contract import PRIVATE_GOOGLE_APIS_CIDR, RESTRICTED_GOOGLE_APIS_CIDR

# Secrets Store CSI driver of GKE's Secret Manager add-on.
GKE_SECRETS_CSI_DRIVER = "secrets-store-gke.csi.k8s.io"  # pragma: allowlist secret
# Workload Identity: pods call 169.254.169.254:80; GKE's metadata server answers on
# 169.254.169.252:988 (Dataplane V1 DNATs before the policy is evaluated).
METADATA_SERVER = (("169.254.169.254/32", 80), ("169.254.169.252/32", 988))
RFC1918 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


class GkePlatform(KubePlatform[GkeTarget]):
    """A GKE cluster, created by this project or the team's (the same manifests)."""

    def service_account_annotations(self) -> dict[str, str]:
        # Workload Identity: the pods act as the workload GSA, no key anywhere.
        return {"iam.gke.io/gcp-service-account": self.names.workload_sa_email}

    def add_secret_objects(self, chart: Chart, files: Sequence[SecretFile]) -> None:
        # No Secret object: the add-on mounts the files from Secret Manager with the pod's
        # Workload Identity, so dist/ never holds a value.
        secret_provider_class(chart, name=self.workload.secret_provider_class, files=files)

    def secrets_volume(self, name: str, files: Sequence[SecretFile]) -> k8s.Volume:
        return k8s.Volume(
            name=name,
            csi=k8s.CsiVolumeSource(
                driver=GKE_SECRETS_CSI_DRIVER,
                read_only=True,
                volume_attributes={"secretProviderClass": self.workload.secret_provider_class},
            ),
        )

    def add_server_extras(self, chart: Chart) -> None:
        add_pod_monitoring(chart, self.workload)

    def ingress_flows(self) -> list[Flow]:
        # Pods of server.allowed_namespaces, and Managed Prometheus' collectors.
        allowed = sorted({*self.settings.server.allowed_namespaces, GMP_NAMESPACE})
        return [flows.namespaces(allowed, self.settings.server.port)]

    def cluster_egress(self) -> list[Flow]:
        return [
            flows.dns(flows.NODE_LOCAL_DNS, flows.METADATA_DNS),
            *(flows.to_cidrs([cidr], port) for cidr, port in METADATA_SERVER),
        ]

    def google_apis_egress(self) -> list[Flow]:
        """GCS, Secret Manager, SQL Admin, IAM: on the VIP that *.googleapis.com resolves to in
        the VPC (a zone of infra/'s or the team's); without one (existing_cluster.google_apis:
        public), on Google's public addresses, which have no fixed range: HTTPS outside the
        private ranges. Inside a VPC Service Controls perimeter googleapis.com is on the
        restricted VIP, and IAP's key set (www.gstatic.com, which that VIP does not serve) on the
        private one, which the perimeter's own docs name for services outside it
        (https://cloud.google.com/vpc-service-controls/docs/private-connectivity)."""
        route = self.target.google_apis
        if route.restricted:
            keys = [PRIVATE_GOOGLE_APIS_CIDR] if self.settings.auth.enabled else []
            return [flows.to_cidrs([RESTRICTED_GOOGLE_APIS_CIDR, *keys], flows.HTTPS_PORT)]
        if self.target.google_apis_private:
            return [flows.to_cidrs([PRIVATE_GOOGLE_APIS_CIDR], flows.HTTPS_PORT)]
        public = k8s.IpBlock(cidr="0.0.0.0/0", except_=list(RFC1918))
        return [Flow((k8s.NetworkPolicyPeer(ip_block=public),), flows.tcp(flows.HTTPS_PORT))]
