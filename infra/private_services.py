"""Private services access: the reserved range Cloud SQL draws its private IP from, and the VPC
peering connection to Google's service producers; created in a VPC of this project's or, on
platform gke-existing, in the team's VPC when it has none yet."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.compute_global_address import ComputeGlobalAddress
from cdktf_cdktf_provider_google.service_networking_connection import (
    ServiceNetworkingConnection,
)
from constructs import Construct

from infra.teardown_steps import PeeringCleanup


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
        depends_on=[cleanup.resource, *depends_on],
    )
    return PrivateServices(range=reserved, connection=connection, cleanup=cleanup)
