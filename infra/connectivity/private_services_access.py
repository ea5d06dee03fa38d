"""Private services access: the reserved range Cloud SQL draws its private IP from, and the VPC
peering connection to Google's service producers; created only in the VPC this project creates
(platform gke). On platform gke-existing the network's owner has set it up, and its range is
checked at plan time: a VPC has one such peering, shared by every producer of every project on
the network, so the stack neither creates nor removes it there (settings refuse
existing_cluster.private_services.create, naming the gcloud commands). The Auth Proxy then
connects to the instance's private IP."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable, TerraformStack
from cdktf_cdktf_provider_google.compute_global_address import ComputeGlobalAddress
from cdktf_cdktf_provider_google.service_networking_connection import (
    ServiceNetworkingConnection,
)
from constructs import Construct

from infra.apis import RequiredApis
from infra.cluster_lookup import ExistingPrivateServicesRange
from infra.connectivity.base import DatabaseNetwork, InfraConnectivity
from infra.database import Database
from infra.platforms import Vpc
from infra.teardown_steps import PeeringCleanup
from settings import ExternalCluster


@dataclass(frozen=True)
class PrivateServices:
    range: ComputeGlobalAddress
    connection: ServiceNetworkingConnection
    cleanup: PeeringCleanup


def add_private_services_access(
    scope: Construct,
    *,
    network: str,
    network_name: str,
    project: str,
    range_name: str,
    cidr: str,
    network_dependency: Sequence[ITerraformDependable] = (),
    depends_on: Sequence[ITerraformDependable] = (),
) -> PrivateServices:
    """The range and the connection, in `scope` (ids `private-services-range`,
    `private-services`, `peering-cleanup`).

    network: the VPC's id or self link; network_name, project: for the teardown step.
    network_dependency: the network resource when `scope` creates it (the teardown step must
      run before the network is deleted).
    depends_on: what the range and the connection wait for (the compute and service
      networking APIs).
    """
    net = ipaddress.ip_network(cidr)
    reserved = ComputeGlobalAddress(
        scope,
        "private-services-range",
        name=range_name,
        project=project,
        purpose="VPC_PEERING",
        address_type="INTERNAL",
        address=str(net.network_address),
        prefix_length=net.prefixlen,
        network=network,
        depends_on=list(depends_on) or None,
    )
    # Teardown: deleting the connection fails while Cloud SQL's producer side still holds it,
    # which lasts well after the instance is gone (terraform-provider-google #16275, #19908).
    # So the connection is abandoned on destroy, and the step below removes the VPC peering it
    # leaves behind (which would block deleting the network and the range), retrying until
    # Cloud SQL lets go. Destroy order: instance, connection, this step, range and network.
    cleanup = PeeringCleanup(
        scope,
        "peering-cleanup",
        project=project,
        network_name=network_name,
        depends_on=[*network_dependency, reserved],
    )
    connection = ServiceNetworkingConnection(
        scope,
        "private-services",
        network=network,
        service="servicenetworking.googleapis.com",
        reserved_peering_ranges=[reserved.name],
        deletion_policy="ABANDON",
        # A redeploy after an abandoned teardown finds the producer's side still there: create
        # then fails unless it may update the existing connection instead
        # (GoogleCloudPlatform/magic-modules#11364).
        update_on_creation_fail=True,
        depends_on=[cleanup.resource, *depends_on],
    )
    return PrivateServices(range=reserved, connection=connection, cleanup=cleanup)


class PrivateServicesAccess(InfraConnectivity):
    apis = ("servicenetworking.googleapis.com",)

    def attach(self, stack: TerraformStack, vpc: Vpc | None, apis: RequiredApis) -> DatabaseNetwork:
        target, names = self.settings.target, self.settings.names
        if vpc is None or isinstance(target, ExternalCluster):
            raise ValueError(
                "database connectivity private-services-access needs the cluster's VPC; a "
                "cluster outside Google Cloud reaches the instance on its public IP"
            )
        psa = target.private_services
        if psa.create:
            # A VPC this stack creates already waited for the APIs: attachments wait for it.
            created = add_private_services_access(
                vpc.scope,
                network=vpc.network,
                network_name=vpc.name,
                project=vpc.project,
                range_name=names.private_services_range,
                cidr=psa.cidr,
                network_dependency=[vpc.resource] if vpc.resource else [],
                depends_on=[] if vpc.resource else [apis["compute"], apis["servicenetworking"]],
            )
            wait_for: ITerraformDependable = created.connection
        else:
            wait_for = ExistingPrivateServicesRange(
                vpc.scope,
                "private-services-range",
                project=vpc.project,
                range_name=names.private_services_range,
                cidr=psa.cidr,
                depends_on=[apis["compute"]],
            ).range
        return DatabaseNetwork(
            private_network=vpc.network,
            allocated_ip_range=names.private_services_range,
            depends_on=[wait_for],
        )

    def add_outputs(self, stack: TerraformStack, database: Database) -> None:
        self.output(
            stack, "database_private_ip", database.private_ip_address, "Cloud SQL private IP"
        )
