"""The GKE Standard cluster and its separately managed, autoscaled node pool (the Autopilot
cluster: infra/cluster_autopilot.py; what both share: infra/cluster_common.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.container_cluster import (
    ContainerCluster,
    ContainerClusterAddonsConfig,
    ContainerClusterAddonsConfigGcePersistentDiskCsiDriverConfig,
    ContainerClusterAddonsConfigHorizontalPodAutoscaling,
    ContainerClusterAddonsConfigHttpLoadBalancing,
    ContainerClusterIpAllocationPolicy,
    ContainerClusterNetworkPolicy,
    ContainerClusterNodeConfig,
    ContainerClusterNodeConfigShieldedInstanceConfig,
    ContainerClusterNodeConfigWorkloadMetadataConfig,
)
from cdktf_cdktf_provider_google.container_node_pool import (
    ContainerNodePool,
    ContainerNodePoolAutoscaling,
    ContainerNodePoolManagement,
    ContainerNodePoolNodeConfig,
    ContainerNodePoolNodeConfigShieldedInstanceConfig,
    ContainerNodePoolNodeConfigWorkloadMetadataConfig,
    ContainerNodePoolUpgradeSettings,
)
from constructs import Construct

from infra.cluster_common import CLOUD_PLATFORM_SCOPE, ControlPlane, Maintenance, shared_kwargs

# Metadata every node gets: no legacy (v0.1, v1beta1) metadata endpoints.
NODE_METADATA = {"disable-legacy-endpoints": "true"}
NODE_IMAGE = "COS_CONTAINERD"


class GkeCluster(Construct):
    """A private, VPC-native GKE Standard cluster with Workload Identity and Dataplane V2.

    Options:
      name, node_pool_name, location (a zone: zonal cluster; a region: regional): Required.
      project_id: for the Workload Identity pool `<project>.svc.id.goog`. Required.
      network_id, subnet_id, pods_range_name, services_range_name: the VPC. Required.
      node_service_account: email of the nodes' service account. Required.
      control_plane: how kubectl reaches the control plane (infra/cluster_common.py).
        Default: the DNS-based endpoint only.
      maintenance: the weekly window and exclusions. Default: none (GKE's any time).
      release_channel: Default: "REGULAR".
      machine_type: Default: "e2-standard-2" (2 vCPU, 8 GiB: two MLflow pods with their proxy
        sidecars and GKE's system pods; e2-micro cannot even hold the system pods).
      min_nodes, max_nodes: autoscaler bounds per zone. Defaults: 1, 3.
      disk_size_gb: node boot disk (pd-balanced). Default: 50.
      spot: Spot VMs (cheaper, preemptible). Default: False.
      deletion_protection: refuse `destroy` of the cluster. Default: True.
      labels: GCP labels on the cluster and its nodes. Default: none.
      gateway_api: install GKE's Gateway API (CHANNEL_STANDARD: Gateway, HTTPRoute v1), which
        the Gateway edge needs (https://cloud.google.com/kubernetes-engine/docs/how-to/
        deploying-gateways#enable-gateway). Default: False (the cluster's default: off).
      boot_disk_kms_key: a Cloud KMS key (CMEK) for every node's boot disk; replaces the pool
        when changed (https://cloud.google.com/kubernetes-engine/docs/how-to/using-cmek).
        Default: None (Google's encryption).
      secrets_kms_key: application-layer secrets encryption's key (infra/cluster_common.py).
        Default: None.
      depends_on: resources to create first (the container API, the node role).
    Always on: private nodes, shielded nodes with secure boot, GKE metadata server, Secret
    Manager add-on, Binary Authorization (project policy), no legacy ABAC, no client
    certificate, no basic auth.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        node_pool_name: str,
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
        machine_type: str = "e2-standard-2",
        min_nodes: int = 1,
        max_nodes: int = 3,
        disk_size_gb: int = 50,
        spot: bool = False,
        deletion_protection: bool = True,
        labels: Mapping[str, str] | None = None,
        gateway_api: bool = False,
        boot_disk_kms_key: str | None = None,
        secrets_kms_key: str | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if not 0 < min_nodes <= max_nodes:
            raise ValueError(
                f"min_nodes {min_nodes} and max_nodes {max_nodes}: need 0 < min <= max"
            )
        if machine_type in {"e2-micro", "e2-small", "f1-micro", "g1-small"}:
            raise ValueError(
                f"machine_type {machine_type!r} is too small for GKE's system pods plus MLflow "
                "and its proxy; use e2-standard-2 or larger"
            )
        labels = dict(labels or {})
        self.workload_pool = f"{project_id}.svc.id.goog"
        shared = shared_kwargs(
            project_id=project_id,
            release_channel=release_channel,
            control_plane=control_plane or ControlPlane(),
            maintenance=maintenance,
            deletion_protection=deletion_protection,
            labels=labels,
            gateway_api=gateway_api,
            secrets_kms_key=secrets_kms_key,
        )
        shielded = {"enable_secure_boot": True, "enable_integrity_monitoring": True}

        self.cluster = ContainerCluster(
            self,
            "cluster",
            name=name,
            location=location,
            network=network_id,
            subnetwork=subnet_id,
            # The pool is its own resource (replaced without recreating the cluster); GKE still
            # needs a default pool at creation, removed right after.
            remove_default_node_pool=True,
            initial_node_count=1,
            # Only for that short-lived default pool: never the Compute Engine default account.
            node_config=ContainerClusterNodeConfig(
                service_account=node_service_account,
                oauth_scopes=[CLOUD_PLATFORM_SCOPE],
                image_type=NODE_IMAGE,
                metadata=NODE_METADATA,
                boot_disk_kms_key=boot_disk_kms_key,
                shielded_instance_config=ContainerClusterNodeConfigShieldedInstanceConfig(
                    **shielded
                ),
                workload_metadata_config=ContainerClusterNodeConfigWorkloadMetadataConfig(
                    mode="GKE_METADATA"
                ),
            ),
            lifecycle=TerraformResourceLifecycle(ignore_changes=["node_config"]),
            ip_allocation_policy=ContainerClusterIpAllocationPolicy(
                cluster_secondary_range_name=pods_range_name,
                services_secondary_range_name=services_range_name,
            ),
            # Dataplane V2 (eBPF) enforces NetworkPolicy itself; the Calico add-on stays off.
            datapath_provider="ADVANCED_DATAPATH",
            network_policy=ContainerClusterNetworkPolicy(enabled=False),
            enable_intranode_visibility=True,  # pod-to-pod flows on a node reach flow logs too
            enable_shielded_nodes=True,
            addons_config=ContainerClusterAddonsConfig(
                http_load_balancing=ContainerClusterAddonsConfigHttpLoadBalancing(
                    disabled=False  # the GKE Ingress controller (global HTTPS LB with IAP)
                ),
                horizontal_pod_autoscaling=ContainerClusterAddonsConfigHorizontalPodAutoscaling(
                    disabled=False
                ),
                gce_persistent_disk_csi_driver_config=(
                    ContainerClusterAddonsConfigGcePersistentDiskCsiDriverConfig(enabled=True)
                ),
            ),
            **shared,
            depends_on=list(depends_on) or None,
        )

        self.node_pool = ContainerNodePool(
            self,
            "node-pool",
            name=node_pool_name,
            cluster=self.cluster.id,
            location=location,
            autoscaling=ContainerNodePoolAutoscaling(
                min_node_count=min_nodes, max_node_count=max_nodes
            ),
            management=ContainerNodePoolManagement(auto_repair=True, auto_upgrade=True),
            upgrade_settings=ContainerNodePoolUpgradeSettings(
                strategy="SURGE", max_surge=1, max_unavailable=0
            ),
            node_config=ContainerNodePoolNodeConfig(
                machine_type=machine_type,
                disk_type="pd-balanced",
                disk_size_gb=disk_size_gb,
                image_type=NODE_IMAGE,
                spot=spot,
                service_account=node_service_account,
                oauth_scopes=[CLOUD_PLATFORM_SCOPE],
                metadata=NODE_METADATA,
                boot_disk_kms_key=boot_disk_kms_key,
                shielded_instance_config=ContainerNodePoolNodeConfigShieldedInstanceConfig(
                    **shielded
                ),
                # Pods see the GKE metadata server (Workload Identity), never the node's token.
                workload_metadata_config=ContainerNodePoolNodeConfigWorkloadMetadataConfig(
                    mode="GKE_METADATA"
                ),
                resource_labels=labels or None,
            ),
        )
        self.name = self.cluster.name
        self.location = self.cluster.location
