"""GKE that the team already runs (Standard or Autopilot), in its VPC, perhaps a shared one.

Only what MLflow needs is created: the database reachable in that VPC (through its private
services access, or one created for a VPC that has none), the Workload Identity binding, the
static IP, the SSL policy and IAP, in the cluster's project. No network, cluster or node pool.
At plan time the cluster and the network are read and checked (infra/cluster_lookup.py).
"""

from __future__ import annotations

from infra.cluster_lookup import ExistingClusterLookup, ExistingPrivateServicesRange
from infra.database import Database
from infra.dns import GOOGLEAPIS, GSTATIC, add_private_google_zones
from infra.identity import ServiceAccount
from infra.kek import KekPassphrase
from infra.monitoring import Monitoring
from infra.platforms.base import DatabaseNetwork
from infra.platforms.gke import GkePlatform
from infra.private_services import add_private_services_access
from infra.project import ProjectFacts
from infra.registry import ImageRepository
from settings.existing_cluster import ExistingCluster, GoogleApisRoute
from settings.model import PRIVATE_GOOGLE_APIS_IPS


class ExistingGke(GkePlatform):
    apis = (
        "container.googleapis.com",
        "servicenetworking.googleapis.com",
        "iap.googleapis.com",
        "dns.googleapis.com",
    )
    cluster_descriptions = ("The team's GKE cluster", "Its zone or region")

    @property
    def existing(self) -> ExistingCluster:
        existing = self.settings.existing_cluster
        assert existing is not None  # the settings model requires it on this platform
        return existing

    def database_network(self) -> DatabaseNetwork:
        s, names, apis, existing = self.settings, self.names, self.required, self.existing
        network_project = existing.network_project or s.cluster_project
        self.lookup = ExistingClusterLookup(
            self.stack,
            "existing-cluster",
            project=s.cluster_project,
            name=existing.name,
            location=existing.location,
            network_project=network_project,
            network_name=existing.network_name,
            autopilot=existing.autopilot,
            depends_on=[apis["container"], apis["compute"]],
        )
        network = self.lookup.network_self_link
        if existing.google_apis is GoogleApisRoute.PRIVATE_CREATE:
            add_private_google_zones(
                self.stack,
                zone_names={GOOGLEAPIS: names.private_dns_zone, GSTATIC: names.gstatic_dns_zone},
                network_id=network,
                vip_addresses=PRIVATE_GOOGLE_APIS_IPS,
                project=network_project,
                depends_on=[apis["dns"]],
            )
        psa = existing.private_services
        if psa.create:
            created = add_private_services_access(
                self.stack,
                network=network,
                network_name=existing.network_name,
                project=network_project,
                range_name=names.private_services_range,
                cidr=psa.cidr,
                depends_on=[apis["compute"], apis["servicenetworking"]],
            )
            return DatabaseNetwork(
                private_network=network,
                allocated_ip_range=names.private_services_range,
                depends_on=[created.connection],
            )
        checked = ExistingPrivateServicesRange(
            self.stack,
            "private-services-range",
            project=network_project,
            range_name=names.private_services_range,
            cidr=psa.cidr,
            depends_on=[apis["compute"]],
        )
        return DatabaseNetwork(
            private_network=network,
            allocated_ip_range=names.private_services_range,
            depends_on=[checked.range],
        )

    def connect_workload(
        self,
        *,
        workload: ServiceAccount,
        registry: ImageRepository,
        database: Database,
        kek: KekPassphrase,
    ) -> None:
        s, names, apis, existing = self.settings, self.names, self.required, self.existing
        if existing.node_service_account:
            registry.grant_reader(
                f"serviceAccount:{existing.node_service_account}", id="node-reader"
            )
        workload.grant_workload_identity_user(
            names.workload_identity_member, depends_on=[self.lookup.cluster]
        )
        # The Secret Manager add-on's identity is the KSA itself (see gke.py); its pool
        # is numbered by the cluster's project.
        number = self.project.number
        if s.cluster_project != s.project_id:
            number = ProjectFacts(
                self.stack,
                "cluster-project",
                project_id=s.cluster_project,
                claims=s.project_number_claims(s.cluster_project),
                depends_on=[apis["cloudresourcemanager"]],
            ).number
        self.grant_secrets_to_ksa(
            pool_project_number=number,
            database=database,
            kek=kek,
            cluster=self.lookup.cluster,
        )
        # The Ingress builds its load balancer in the cluster's project: the address, the TLS
        # policy and the IAP grants go there.
        self.build_edge(project=s.cluster_project)

    def add_monitoring(self, monitoring: Monitoring) -> None:
        if self.settings.cluster_project != self.settings.project_id:
            # The load balancer's and the pods' metrics are the cluster project's; alert
            # policies here see only project_id's (README: Deploy into an existing cluster).
            return
        super().add_monitoring(monitoring)

    @property
    def cluster_name(self) -> str:
        return self.existing.name

    @property
    def cluster_location(self) -> str:
        return self.existing.location

    @property
    def cluster_references(self) -> tuple[str, str]:
        return self.lookup.cluster.name, self.lookup.cluster.location
