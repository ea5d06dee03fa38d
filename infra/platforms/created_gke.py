"""GKE that this project creates: its VPC, its private cluster (Standard with a node pool, or
Autopilot), Workload Identity."""

from __future__ import annotations

from typing import Any

from infra.apis import GKE_APIS
from infra.cluster import GkeCluster
from infra.cluster_autopilot import AutopilotCluster
from infra.cluster_common import ControlPlane, Exclusion, Maintenance
from infra.dns import add_google_api_zones
from infra.edges import EDGES
from infra.identity import NodeServiceAccount, ServiceAccount
from infra.network import Network
from infra.platforms.base import PodReader, Vpc
from infra.platforms.gke import GkePlatform
from infra.registry import ImageRepository
from settings import CreatedGke
from settings.encryption import KeyUse


class CreatedGkePlatform(GkePlatform[CreatedGke]):
    """A private GKE cluster (Standard or Autopilot) in a VPC of its own; no key anywhere."""

    apis = GKE_APIS

    def build_network(self) -> Vpc:
        s, names, apis, target = self.settings, self.names, self.required, self.target
        self.network = Network(
            self.stack,
            "network",
            network_name=names.network,
            subnet_name=names.subnet,
            router_name=names.router,
            nat_name=names.nat,
            region=s.region,
            subnet_cidr=target.network.subnet_cidr,
            pods_cidr=target.network.pods_cidr,
            services_cidr=target.network.services_cidr,
            depends_on=[apis["compute"], apis["servicenetworking"]],
        )
        add_google_api_zones(
            self.stack,
            restricted=target.google_apis.restricted,
            names=names,
            network_id=self.network.network_id,
            depends_on=[apis["dns"]],
        )
        return Vpc(
            network=self.network.network_id,
            name=names.network,
            project=s.project_id,
            scope=self.network,
            resource=self.network.network,
            subnetwork=self.network.subnet.id,
        )

    def connect_workload(self, *, workload: ServiceAccount, registry: ImageRepository) -> PodReader:
        s, names, apis, target = self.settings, self.names, self.required, self.target
        nodes = NodeServiceAccount(
            self.stack,
            "nodes",
            account_id=names.node_sa_id,
            depends_on=[apis["iam"]],
            iam_depends_on=[apis["cloudresourcemanager"]],
        )
        registry.grant_reader(nodes.member, id="node-reader")
        cluster, network = target.cluster, target.network
        window = cluster.maintenance.window(s.region)
        common: dict[str, Any] = {
            "name": names.cluster,
            "location": target.location,
            "project_id": s.project_id,
            "network_id": self.network.network_id,
            "subnet_id": self.network.subnet_id,
            "pods_range_name": self.network.pods_range_name,
            "services_range_name": self.network.services_range_name,
            "node_service_account": nodes.email,
            "control_plane": ControlPlane(
                dns_endpoint=not network.peering,
                master_cidr=network.master_cidr if network.peering else None,
                master_authorized_cidrs=network.master_authorized_cidrs,
                allow_google_cloud_ips=network.control_plane_google_cloud_access,
            ),
            "maintenance": Maintenance(
                start_time=window.start_time,
                end_time=window.end_time,
                recurrence=window.recurrence,
                exclusions=[
                    Exclusion(name=e.name, start=e.start, end=e.end, scope=e.scope.value)
                    for e in cluster.maintenance.exclusions
                ],
            ),
            "release_channel": cluster.release_channel.value,
            "deletion_protection": cluster.deletion_protection,
            "labels": s.common_labels,
            "gateway_api": EDGES[s.modes.edge].gateway_api,  # the Gateway edge needs it
            # CMEK (settings/encryption.py): the nodes' disks and etcd's Secrets.
            "boot_disk_kms_key": self.encryption.key(KeyUse.DISKS),
            "secrets_kms_key": self.encryption.key(KeyUse.CLUSTER),
            "depends_on": [
                apis["container"],
                apis["binaryauthorization"],
                nodes.node_role,
                *self.encryption.ready(KeyUse.DISKS),
                *self.encryption.ready(KeyUse.CLUSTER),
            ],
        }
        self.cluster: GkeCluster | AutopilotCluster
        if target.autopilot:
            self.cluster = AutopilotCluster(self.stack, "gke", **common)
        else:
            self.cluster = GkeCluster(
                self.stack,
                "gke",
                node_pool_name=names.node_pool,
                machine_type=cluster.machine_type,
                min_nodes=cluster.min_nodes,
                max_nodes=cluster.max_nodes,
                disk_size_gb=cluster.disk_size_gb,
                spot=cluster.spot,
                **common,
            )
        return self.bind_workload_identity(
            workload, pool_project_number=self.project.number, cluster=self.cluster.cluster
        )

    @property
    def cluster_name(self) -> str:
        return self.names.cluster

    @property
    def cluster_references(self) -> tuple[str, str]:
        return self.cluster.name, self.cluster.location
