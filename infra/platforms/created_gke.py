"""GKE that this project creates: its VPC, private cluster, Workload Identity, static IP and IAP."""

from __future__ import annotations

from infra.apis import GKE_APIS
from infra.cluster import GkeCluster
from infra.database import Database
from infra.dns import GOOGLEAPIS, GSTATIC, add_private_google_zones
from infra.identity import NodeServiceAccount, ServiceAccount
from infra.kek import KekPassphrase
from infra.network import Network
from infra.platforms.base import DatabaseNetwork
from infra.platforms.gke import GkePlatform
from infra.registry import ImageRepository
from settings.model import PRIVATE_GOOGLE_APIS_IPS


class CreatedGke(GkePlatform):
    """A private GKE Standard cluster in a VPC of its own; no key anywhere."""

    apis = GKE_APIS

    def database_network(self) -> DatabaseNetwork:
        s, names, apis = self.settings, self.names, self.required
        self.network = Network(
            self.stack,
            "network",
            network_name=names.network,
            subnet_name=names.subnet,
            router_name=names.router,
            nat_name=names.nat,
            private_services_range_name=names.private_services_range,
            region=s.region,
            project_id=s.project_id,
            subnet_cidr=s.network.subnet_cidr,
            pods_cidr=s.network.pods_cidr,
            services_cidr=s.network.services_cidr,
            private_services_cidr=s.network.private_services_cidr,
            depends_on=[apis["compute"], apis["servicenetworking"]],
        )
        add_private_google_zones(
            self.stack,
            zone_names={GOOGLEAPIS: names.private_dns_zone, GSTATIC: names.gstatic_dns_zone},
            network_id=self.network.network_id,
            vip_addresses=PRIVATE_GOOGLE_APIS_IPS,
            depends_on=[apis["dns"]],
        )
        return DatabaseNetwork(
            private_network=self.network.network_id,
            allocated_ip_range=names.private_services_range,
            depends_on=[self.network.private_services],
        )

    def connect_workload(
        self,
        *,
        workload: ServiceAccount,
        registry: ImageRepository,
        database: Database,
        kek: KekPassphrase,
    ) -> None:
        s, names, apis = self.settings, self.names, self.required
        nodes = NodeServiceAccount(
            self.stack,
            "nodes",
            account_id=names.node_sa_id,
            depends_on=[apis["iam"]],
            iam_depends_on=[apis["cloudresourcemanager"]],
        )
        registry.grant_reader(nodes.member, id="node-reader")
        self.cluster = GkeCluster(
            self.stack,
            "gke",
            name=names.cluster,
            node_pool_name=names.node_pool,
            location=s.cluster_location,
            project_id=s.project_id,
            network_id=self.network.network_id,
            subnet_id=self.network.subnet_id,
            pods_range_name=self.network.pods_range_name,
            services_range_name=self.network.services_range_name,
            master_cidr=s.network.master_cidr,
            master_authorized_cidrs=s.network.master_authorized_cidrs,
            allow_google_cloud_ips=s.network.control_plane_google_cloud_access,
            node_service_account=nodes.email,
            release_channel=s.cluster.release_channel.value,
            machine_type=s.cluster.machine_type,
            min_nodes=s.cluster.min_nodes,
            max_nodes=s.cluster.max_nodes,
            disk_size_gb=s.cluster.disk_size_gb,
            spot=s.cluster.spot,
            deletion_protection=s.cluster.deletion_protection,
            labels=s.common_labels,
            depends_on=[apis["container"], apis["binaryauthorization"], nodes.node_role],
        )
        workload.grant_workload_identity_user(
            names.workload_identity_member, depends_on=[self.cluster.cluster]
        )
        self.grant_secrets_to_ksa(
            pool_project_number=self.project.number,
            database=database,
            kek=kek,
            cluster=self.cluster.cluster,
        )
        self.build_edge(project=s.project_id)

    @property
    def cluster_name(self) -> str:
        return self.names.cluster

    @property
    def cluster_location(self) -> str:
        return self.settings.cluster_location

    @property
    def cluster_references(self) -> tuple[str, str]:
        return self.cluster.name, self.cluster.location
