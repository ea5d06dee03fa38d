"""The GKE Autopilot cluster: Google runs and sizes the nodes from the pods' requests; there is
no node pool to manage (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-overview).

Autopilot always has Dataplane V2 (NetworkPolicy enforced), shielded nodes with secure boot,
the GKE metadata server and Cloud DNS; setting them is refused by the provider
(`ConflictsWith: enable_autopilot` on network_policy, enable_intranode_visibility,
enable_shielded_nodes, remove_default_node_pool in google 6.50.0). What this project states:
private nodes, the control plane as for Standard (infra/cluster_common.py), Workload Identity,
the Secret Manager add-on, Managed Prometheus, the release channel, maintenance, and the nodes'
service account.

The nodes' service account: Autopilot's nodes run as the Compute Engine default account unless
`cluster_autoscaling.auto_provisioning_defaults.service_account` names another
(https://cloud.google.com/kubernetes-engine/docs/how-to/creating-an-autopilot-cluster: node
service accounts need roles/container.defaultNodeServiceAccount; in secure-by-default
organizations the default account has no roles, so image pulls would fail). This project's
node account has that role and read on the image repository (infra/identity.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.container_cluster import (
    ContainerCluster,
    ContainerClusterClusterAutoscaling,
    ContainerClusterClusterAutoscalingAutoProvisioningDefaults,
    ContainerClusterIpAllocationPolicy,
)
from constructs import Construct

from infra.cluster_common import CLOUD_PLATFORM_SCOPE, ControlPlane, Maintenance, shared_kwargs


class AutopilotCluster(Construct):
    """A private, VPC-native GKE Autopilot cluster (regional: Autopilot's only kind).

    Options:
      name, location (the region), project_id: Required.
      network_id, subnet_id, pods_range_name, services_range_name: the VPC. Required.
      node_service_account: email of the account Autopilot's nodes run as. Required.
      control_plane: how kubectl reaches the control plane. Default: the DNS-based endpoint.
      maintenance: the weekly window and exclusions. Default: none (GKE's any time).
      release_channel: Default: "REGULAR".
      deletion_protection: refuse `destroy` of the cluster. Default: True.
      labels: GCP labels on the cluster. Default: none.
      gateway_api: install GKE's Gateway API (the Gateway edge). Default: False.
      boot_disk_kms_key: a Cloud KMS key (CMEK) for the nodes' boot disks
        (auto_provisioning_defaults). Default: None (Google's encryption).
      secrets_kms_key: application-layer secrets encryption's key. Default: None.
      depends_on: resources to create first (the container API, the node role).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        location: str,
        project_id: str,
        network_id: str,
        subnet_id: str,
        pods_range_name: str,
        services_range_name: str,
        node_service_account: str,
        control_plane: ControlPlane | None = None,
        maintenance: Maintenance | None = None,
        release_channel: str = "REGULAR",
        deletion_protection: bool = True,
        labels: Mapping[str, str] | None = None,
        gateway_api: bool = False,
        boot_disk_kms_key: str | None = None,
        secrets_kms_key: str | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if location.count("-") != 1:
            raise ValueError(f"location {location!r}: an Autopilot cluster is regional")
        self.workload_pool = f"{project_id}.svc.id.goog"
        self.cluster = ContainerCluster(
            self,
            "cluster",
            name=name,
            location=location,
            enable_autopilot=True,
            network=network_id,
            subnetwork=subnet_id,
            ip_allocation_policy=ContainerClusterIpAllocationPolicy(
                cluster_secondary_range_name=pods_range_name,
                services_secondary_range_name=services_range_name,
            ),
            cluster_autoscaling=ContainerClusterClusterAutoscaling(
                auto_provisioning_defaults=(
                    ContainerClusterClusterAutoscalingAutoProvisioningDefaults(
                        service_account=node_service_account,
                        oauth_scopes=[CLOUD_PLATFORM_SCOPE],
                        boot_disk_kms_key=boot_disk_kms_key,
                    )
                )
            ),
            **shared_kwargs(
                project_id=project_id,
                release_channel=release_channel,
                control_plane=control_plane or ControlPlane(),
                maintenance=maintenance,
                deletion_protection=deletion_protection,
                labels=dict(labels or {}),
                gateway_api=gateway_api,
                secrets_kms_key=secrets_kms_key,
            ),
            depends_on=list(depends_on) or None,
        )
        self.name = self.cluster.name
        self.location = self.cluster.location
