"""The VPC: a VPC-native GKE subnet and Cloud NAT. What attaches to it (the database's private
services access) is the database connectivity's (infra/connectivity/)."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.compute_network import ComputeNetwork
from cdktf_cdktf_provider_google.compute_router import ComputeRouter
from cdktf_cdktf_provider_google.compute_router_nat import (
    ComputeRouterNat,
    ComputeRouterNatLogConfig,
    ComputeRouterNatSubnetwork,
)
from cdktf_cdktf_provider_google.compute_subnetwork import (
    ComputeSubnetwork,
    ComputeSubnetworkLogConfig,
    ComputeSubnetworkSecondaryIpRange,
)
from constructs import Construct

PODS_RANGE = "pods"
SERVICES_RANGE = "services"


class Network(Construct):
    """Custom-mode VPC with one regional subnet for GKE.

    Options:
      network_name, subnet_name, router_name, nat_name: resource names. Required.
      region: the subnet's region. Required.
      subnet_cidr, pods_cidr, services_cidr: primary and secondary (VPC-native) ranges. Required.
      flow_log_sampling: share of subnet flows logged (0 turns flow logs off). Default: 0.5.
      depends_on: resources to create first (compute, servicenetworking APIs). Default: none.
    Private Google Access is on: private nodes reach Google APIs without external IPs.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        network_name: str,
        subnet_name: str,
        router_name: str,
        nat_name: str,
        region: str,
        subnet_cidr: str,
        pods_cidr: str,
        services_cidr: str,
        flow_log_sampling: float = 0.5,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if not 0 <= flow_log_sampling <= 1:
            raise ValueError(f"flow_log_sampling {flow_log_sampling} must be within 0..1")
        self.network = ComputeNetwork(
            self,
            "vpc",
            name=network_name,
            auto_create_subnetworks=False,  # no default subnets, no default firewall rules
            routing_mode="REGIONAL",
            depends_on=list(depends_on) or None,
        )
        self.subnet = ComputeSubnetwork(
            self,
            "subnet",
            name=subnet_name,
            network=self.network.id,
            region=region,
            ip_cidr_range=subnet_cidr,
            secondary_ip_range=[
                ComputeSubnetworkSecondaryIpRange(range_name=PODS_RANGE, ip_cidr_range=pods_cidr),
                ComputeSubnetworkSecondaryIpRange(
                    range_name=SERVICES_RANGE, ip_cidr_range=services_cidr
                ),
            ],
            private_ip_google_access=True,
            # Flow logs are the network's audit trail (who talked to the database, egress).
            log_config=ComputeSubnetworkLogConfig(
                aggregation_interval="INTERVAL_5_SEC",
                flow_sampling=flow_log_sampling,
                metadata="INCLUDE_ALL_METADATA",
            )
            if flow_log_sampling
            else None,
        )
        # Cloud NAT: private nodes pull public images (the Auth Proxy's) with no external IP.
        self.router = ComputeRouter(
            self, "router", name=router_name, region=region, network=self.network.id
        )
        self.nat = ComputeRouterNat(
            self,
            "nat",
            name=nat_name,
            router=self.router.name,
            region=region,
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
            subnetwork=[
                ComputeRouterNatSubnetwork(
                    name=self.subnet.id, source_ip_ranges_to_nat=["ALL_IP_RANGES"]
                )
            ],
            log_config=ComputeRouterNatLogConfig(enable=True, filter="ERRORS_ONLY"),
        )
        self.network_id = self.network.id
        self.network_self_link = self.network.self_link
        self.subnet_id = self.subnet.id
        self.pods_range_name = PODS_RANGE
        self.services_range_name = SERVICES_RANGE
