"""GKE that the team already runs (Standard or Autopilot), in its VPC, perhaps a shared one.

Only what MLflow needs is created: the Workload Identity binding and, through the modes, the
database reachable in that VPC and the edge in the cluster's project. No network, cluster or
node pool. At plan time the cluster and the network are read and checked
(infra/cluster_lookup.py).
"""

from __future__ import annotations

from infra.apis import EXISTING_GKE_APIS
from infra.cluster_lookup import ExistingClusterLookup
from infra.dns import add_google_api_zones
from infra.identity import ServiceAccount
from infra.platforms.base import PodReader, Vpc
from infra.platforms.gke import GkePlatform
from infra.project import ProjectFacts
from infra.registry import ImageRepository
from infra.shared_vpc import HealthCheckFirewall
from settings import ExistingGke


class ExistingGkePlatform(GkePlatform[ExistingGke]):
    apis = EXISTING_GKE_APIS
    cluster_descriptions = ("The team's GKE cluster", "Its zone or region")

    def build_network(self) -> Vpc:
        names, apis, target = self.names, self.required, self.target
        existing = target.existing
        self.lookup = ExistingClusterLookup(
            self.stack,
            "existing-cluster",
            project=target.project,
            name=existing.name,
            location=existing.location,
            network_project=target.network_project,
            network_name=existing.network_name,
            autopilot=existing.autopilot,
            depends_on=[apis["container"], apis["compute"]],
        )
        network = self.lookup.network_self_link
        if existing.google_apis.creates_zones:
            add_google_api_zones(
                self.stack,
                restricted=existing.google_apis.restricted,
                names=names,
                network_id=network,
                project=target.network_project,
                depends_on=[apis["dns"]],
            )
        if existing.manage_host_firewall:
            HealthCheckFirewall(
                self.stack,
                "health-check-firewall",
                name=names.host_firewall,
                project=target.network_project,
                network=network,
                pods_cidr=existing.pods_cidr,
                port=self.settings.server.port,
                depends_on=[apis["compute"]],
            )
        return Vpc(
            network=network,
            name=existing.network_name,
            project=target.network_project,
            scope=self.stack,
        )

    def connect_workload(self, *, workload: ServiceAccount, registry: ImageRepository) -> PodReader:
        s, apis, target = self.settings, self.required, self.target
        # The Workload Identity pool is numbered by the cluster's project.
        number = self.project.number
        if target.project != s.project_id:
            number = ProjectFacts(
                self.stack,
                "cluster-project",
                project_id=target.project,
                claims=s.project_number_claims(target.project),
                depends_on=[apis["cloudresourcemanager"]],
            ).number
        # The nodes pull the image as their service account: the configured one, else the one
        # the cluster runs its nodes as (in secure-by-default organizations the Compute Engine
        # default account has no roles, so it needs the grant too).
        nodes = target.existing.node_service_account or self.lookup.node_service_account(number)
        registry.grant_reader(f"serviceAccount:{nodes}", id="node-reader")
        return self.bind_workload_identity(
            workload, pool_project_number=number, cluster=self.lookup.cluster
        )

    def add_outputs(self) -> None:
        super().add_outputs()
        self.output(
            "cluster_dns",
            self.lookup.dns_provider,
            "The DNS the cluster's pods use (the NetworkPolicy allows each kind)",
        )

    @property
    def cluster_name(self) -> str:
        return self.target.existing.name

    @property
    def cluster_references(self) -> tuple[str, str]:
        return self.lookup.cluster.name, self.lookup.cluster.location
