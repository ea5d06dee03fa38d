"""Private Service Connect: the instance allows endpoints from the VPC's project, and the VPC
gets one endpoint (an internal address in the cluster's subnet and a forwarding rule to the
instance's service attachment) and a private DNS zone that resolves the instance's DNS name to
it. The Auth Proxy (`--psc`) dials that name. No VPC peering, so nothing to tear down that
other teams' databases use. Google's steps:
https://cloud.google.com/sql/docs/postgres/configure-private-service-connect (the endpoint)
and https://cloud.google.com/sql/docs/postgres/configure-dns (the DNS record, set by hand).
"""

from __future__ import annotations

from cdktf import TerraformStack
from cdktf_cdktf_provider_google.compute_address import ComputeAddress
from cdktf_cdktf_provider_google.compute_forwarding_rule import ComputeForwardingRule
from cdktf_cdktf_provider_google.dns_managed_zone import (
    DnsManagedZone,
    DnsManagedZonePrivateVisibilityConfig,
    DnsManagedZonePrivateVisibilityConfigNetworks,
)
from cdktf_cdktf_provider_google.dns_record_set import DnsRecordSet

from infra.apis import RequiredApis
from infra.connectivity.base import DatabaseNetwork, InfraConnectivity
from infra.database import Database
from infra.platforms import Vpc
from settings.database import psc_endpoint_address


class PrivateServiceConnect(InfraConnectivity):
    apis = ("dns.googleapis.com",)

    def attach(self, stack: TerraformStack, vpc: Vpc | None, apis: RequiredApis) -> DatabaseNetwork:
        if vpc is None:
            raise ValueError(
                "database connectivity psc needs the cluster's VPC; a cluster outside Google "
                "Cloud reaches the instance on its public IP"
            )
        self.vpc = vpc
        # The endpoint lives in the VPC's project (a shared VPC's host): that project is the
        # consumer the instance allows.
        return DatabaseNetwork(psc_consumer_projects=(vpc.project,))

    def _subnetwork(self) -> str:
        vpc, s = self.vpc, self.settings
        if vpc.subnetwork is not None:
            return vpc.subnetwork
        return f"projects/{vpc.project}/regions/{s.region}/subnetworks/{s.database.psc_subnetwork}"

    def connect(self, stack: TerraformStack, database: Database, apis: RequiredApis) -> None:
        vpc, s, names = self.vpc, self.settings, self.settings.names
        address = psc_endpoint_address(s.database, s.target)
        waits = [vpc.resource] if vpc.resource else [apis["compute"], apis["dns"]]
        self.address = ComputeAddress(
            vpc.scope,
            "sql-psc-address",
            name=names.psc_endpoint,
            project=vpc.project,
            region=s.region,
            subnetwork=self._subnetwork(),
            address_type="INTERNAL",
            address=address,
            depends_on=waits,
        )
        # load_balancing_scheme "": a PSC endpoint to a published service, as Google's sample.
        self.endpoint = ComputeForwardingRule(
            vpc.scope,
            "sql-psc-endpoint",
            name=names.psc_endpoint,
            project=vpc.project,
            region=s.region,
            network=vpc.network,
            ip_address=self.address.self_link,
            load_balancing_scheme="",
            target=database.psc_service_attachment_link,
        )
        # The Auth Proxy and the connectors need the instance's DNS name to resolve to the
        # endpoint: a private zone named after it, visible in the VPC only.
        self.zone = DnsManagedZone(
            vpc.scope,
            "sql-psc-zone",
            name=names.psc_dns_zone,
            project=vpc.project,
            dns_name=database.dns_name,
            description=f"{names.sql_instance}'s DNS name to its Private Service Connect endpoint",
            visibility="private",
            private_visibility_config=DnsManagedZonePrivateVisibilityConfig(
                networks=[DnsManagedZonePrivateVisibilityConfigNetworks(network_url=vpc.network)]
            ),
            depends_on=[*waits, apis["dns"]] if vpc.resource else waits,
        )
        DnsRecordSet(
            vpc.scope,
            "sql-psc-record",
            project=vpc.project,
            managed_zone=self.zone.name,
            name=database.dns_name,
            type="A",
            ttl=300,
            rrdatas=[self.address.address],
        )

    def add_outputs(self, stack: TerraformStack, database: Database) -> None:
        self.output(
            stack,
            "database_psc_endpoint",
            self.address.address,
            "Private Service Connect endpoint of the Cloud SQL instance",
        )
        self.output(stack, "database_dns_name", database.dns_name, "Cloud SQL instance DNS name")
