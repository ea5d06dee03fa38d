"""What every cluster this project creates has, Standard or Autopilot: how its control plane is
reached, when it is maintained, and the features both modes share (Workload Identity, the
Secret Manager add-on, Managed Prometheus, Binary Authorization, the release channel).

The control plane (settings/network.py, `network.control_plane`):

* dns: the DNS-based endpoint, IAM-authorized, with user traffic from anywhere allowed
  (`dns_endpoint_config.allow_external_traffic`); the external IP endpoint off
  (`enable_private_endpoint`), so kubectl comes only through the DNS name; nodes keep the
  internal IP endpoint. Google's "About network isolation"
  (https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation): "Only use the
  DNS-based endpoint to access your control plane". No `master_ipv4_cidr_block`: a new
  cluster's private endpoint is then Private Service Connect, not VPC peering.
* peering: the earlier output unchanged (a /28 peered to Google's VPC, a public IP endpoint
  behind authorized networks).

An upgrade from the earlier output does not replace the cluster. In google provider 6.50.0
(google/services/container/resource_container_cluster.go at v6.50.0):
`private_cluster_config.master_ipv4_cidr_block` is Optional + Computed + ForceNew, so leaving
it out keeps the value in state and plans no change (only a different value would replace the
cluster); `enable_private_nodes` (ForceNew) stays true in both; `enable_private_endpoint` and
`control_plane_endpoints_config` have no ForceNew and are applied by an in-place
UpdateCluster call (DesiredControlPlaneEndpointsConfig).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_google.container_cluster import (
    ContainerClusterBinaryAuthorization,
    ContainerClusterControlPlaneEndpointsConfig,
    ContainerClusterControlPlaneEndpointsConfigDnsEndpointConfig,
    ContainerClusterDatabaseEncryption,
    ContainerClusterGatewayApiConfig,
    ContainerClusterLoggingConfig,
    ContainerClusterMaintenancePolicy,
    ContainerClusterMaintenancePolicyMaintenanceExclusion,
    ContainerClusterMaintenancePolicyMaintenanceExclusionExclusionOptions,
    ContainerClusterMaintenancePolicyRecurringWindow,
    ContainerClusterMasterAuth,
    ContainerClusterMasterAuthClientCertificateConfig,
    ContainerClusterMasterAuthorizedNetworksConfig,
    ContainerClusterMasterAuthorizedNetworksConfigCidrBlocks,
    ContainerClusterMonitoringConfig,
    ContainerClusterMonitoringConfigManagedPrometheus,
    ContainerClusterPrivateClusterConfig,
    ContainerClusterReleaseChannel,
    ContainerClusterSecretManagerConfig,
    ContainerClusterWorkloadIdentityConfig,
)

# Access is decided by the node service account's IAM roles, not by legacy scopes.
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


@dataclass(frozen=True)
class ControlPlane:
    """How the control plane is reached.

    dns_endpoint: the DNS-based endpoint only (else the earlier peering design). Default: True.
    master_cidr: peering: the /28 of the private endpoint. Required with peering.
    master_authorized_cidrs: peering: CIDRs allowed to the public endpoint. Default: none.
    allow_google_cloud_ips: peering: admit Google Cloud's public IPs too. Default: False.
    """

    dns_endpoint: bool = True
    master_cidr: str | None = None
    master_authorized_cidrs: Sequence[str] = ()
    allow_google_cloud_ips: bool = False

    def __post_init__(self) -> None:
        if not self.dns_endpoint and not self.master_cidr:
            raise ValueError("the peering control plane needs master_cidr (a /28)")
        if self.dns_endpoint and (self.master_cidr or self.master_authorized_cidrs):
            raise ValueError(
                "master_cidr and master_authorized_cidrs shape the peering control plane; "
                "the DNS-based endpoint has neither"
            )

    def cluster_kwargs(self) -> dict[str, Any]:
        if self.dns_endpoint:
            return {
                # Nodes have no external IP; the external IP endpoint is off: kubectl comes
                # through the DNS name (IAM: container.clusters.connect).
                "private_cluster_config": ContainerClusterPrivateClusterConfig(
                    enable_private_nodes=True, enable_private_endpoint=True
                ),
                "control_plane_endpoints_config": ContainerClusterControlPlaneEndpointsConfig(
                    dns_endpoint_config=(
                        ContainerClusterControlPlaneEndpointsConfigDnsEndpointConfig(
                            allow_external_traffic=True
                        )
                    )
                ),
                # No CIDR: the internal IP endpoint serves the nodes and the VPC only.
                "master_authorized_networks_config": (
                    ContainerClusterMasterAuthorizedNetworksConfig(
                        gcp_public_cidrs_access_enabled=False
                    )
                ),
            }
        return {
            "private_cluster_config": ContainerClusterPrivateClusterConfig(
                enable_private_nodes=True,
                # The public endpoint stays (kubectl from outside the VPC), behind authorized
                # networks; nodes have no external IP.
                enable_private_endpoint=False,
                master_ipv4_cidr_block=self.master_cidr,
            ),
            "master_authorized_networks_config": ContainerClusterMasterAuthorizedNetworksConfig(
                cidr_blocks=[
                    ContainerClusterMasterAuthorizedNetworksConfigCidrBlocks(
                        cidr_block=cidr, display_name=f"authorized-{i}"
                    )
                    for i, cidr in enumerate(self.master_authorized_cidrs)
                ]
                or None,
                gcp_public_cidrs_access_enabled=self.allow_google_cloud_ips,
            ),
        }


@dataclass(frozen=True)
class Exclusion:
    name: str
    start: str  # RFC 3339, UTC
    end: str
    scope: str  # NO_UPGRADES | NO_MINOR_UPGRADES | NO_MINOR_OR_NODE_UPGRADES


@dataclass(frozen=True)
class Maintenance:
    """A weekly window (its first occurrence and an RFC 5545 rule) and exclusions; GKE applies
    automatic upgrades only inside the window and outside every exclusion
    (https://cloud.google.com/kubernetes-engine/docs/concepts/maintenance-windows-and-exclusions)."""

    start_time: str
    end_time: str
    recurrence: str
    exclusions: Sequence[Exclusion] = ()

    def policy(self) -> ContainerClusterMaintenancePolicy:
        return ContainerClusterMaintenancePolicy(
            recurring_window=ContainerClusterMaintenancePolicyRecurringWindow(
                start_time=self.start_time, end_time=self.end_time, recurrence=self.recurrence
            ),
            maintenance_exclusion=[
                ContainerClusterMaintenancePolicyMaintenanceExclusion(
                    exclusion_name=e.name,
                    start_time=e.start,
                    end_time=e.end,
                    exclusion_options=(
                        ContainerClusterMaintenancePolicyMaintenanceExclusionExclusionOptions(
                            scope=e.scope
                        )
                    ),
                )
                for e in self.exclusions
            ]
            or None,
        )


def shared_kwargs(
    *,
    project_id: str,
    release_channel: str,
    control_plane: ControlPlane,
    maintenance: Maintenance | None,
    deletion_protection: bool,
    labels: Mapping[str, str],
    gateway_api: bool = False,
    secrets_kms_key: str | None = None,
) -> dict[str, Any]:
    """The ContainerCluster options both modes set the same way.

    gateway_api: install GKE's Gateway API (CHANNEL_STANDARD: Gateway, HTTPRoute v1), which
      the Gateway edge needs (https://cloud.google.com/kubernetes-engine/docs/how-to/
      deploying-gateways#enable-gateway). Default: False (the cluster's default).
    secrets_kms_key: a Cloud KMS key in the cluster's region that encrypts Kubernetes Secrets
      in etcd (application-layer secrets encryption, https://cloud.google.com/
      kubernetes-engine/docs/how-to/encrypting-secrets). Default: None (off).
    """
    return {
        **control_plane.cluster_kwargs(),
        "deletion_protection": deletion_protection,
        "networking_mode": "VPC_NATIVE",
        "workload_identity_config": ContainerClusterWorkloadIdentityConfig(
            workload_pool=f"{project_id}.svc.id.goog"
        ),
        "release_channel": ContainerClusterReleaseChannel(channel=release_channel),
        "enable_legacy_abac": False,
        "master_auth": ContainerClusterMasterAuth(
            client_certificate_config=ContainerClusterMasterAuthClientCertificateConfig(
                issue_client_certificate=False
            )
        ),
        # The Secret Manager add-on mounts the database password (Standard and Autopilot:
        # https://cloud.google.com/secret-manager/docs/secret-manager-managed-csi-component).
        "secret_manager_config": ContainerClusterSecretManagerConfig(enabled=True),
        # With no Binary Authorization policy the project's default admits every image; the
        # hook is there for a policy (e.g. only images from the project's registry).
        "binary_authorization": ContainerClusterBinaryAuthorization(
            evaluation_mode="PROJECT_SINGLETON_POLICY_ENFORCE"
        ),
        "logging_config": ContainerClusterLoggingConfig(
            enable_components=["SYSTEM_COMPONENTS", "WORKLOADS"]
        ),
        # Managed Service for Prometheus: its PodMonitoring CRD is what dist/ scrapes
        # /metrics with; stated here rather than relying on the version's default.
        "monitoring_config": ContainerClusterMonitoringConfig(
            enable_components=["SYSTEM_COMPONENTS"],
            managed_prometheus=ContainerClusterMonitoringConfigManagedPrometheus(enabled=True),
        ),
        "maintenance_policy": maintenance.policy() if maintenance else None,
        "resource_labels": dict(labels) or None,
        "gateway_api_config": ContainerClusterGatewayApiConfig(channel="CHANNEL_STANDARD")
        if gateway_api
        else None,
        "database_encryption": ContainerClusterDatabaseEncryption(
            state="ENCRYPTED", key_name=secrets_kms_key
        )
        if secrets_kms_key
        else None,
    }
