"""Private Google Access by DNS: *.googleapis.com resolves to private.googleapis.com in the VPC.

Pods then reach every Google API on one small range (settings.PRIVATE_GOOGLE_APIS_CIDR), which
the Kubernetes NetworkPolicy can allow instead of the whole internet on 443.
https://cloud.google.com/vpc/docs/configure-private-google-access#config-domain
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.dns_managed_zone import (
    DnsManagedZone,
    DnsManagedZonePrivateVisibilityConfig,
    DnsManagedZonePrivateVisibilityConfigNetworks,
)
from cdktf_cdktf_provider_google.dns_record_set import DnsRecordSet
from constructs import Construct

GOOGLEAPIS = "googleapis.com."
PRIVATE_HOST = f"private.{GOOGLEAPIS}"


class PrivateGoogleApisZone(Construct):
    """A private zone for googleapis.com., visible to one VPC.

    Options:
      zone_name: the managed zone's name. Required.
      network_id: VPC that sees the zone. Required.
      vip_addresses: the private.googleapis.com addresses (A record). Required.
      ttl: seconds. Default: 300.
      project: the zone's project: the VPC's (a shared VPC's host). Default: the provider's.
      depends_on: resources to create first (the DNS API). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        zone_name: str,
        network_id: str,
        vip_addresses: Sequence[str],
        ttl: int = 300,
        project: str | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if not vip_addresses:
            raise ValueError("vip_addresses must name at least one address")
        self.zone = DnsManagedZone(
            self,
            "zone",
            name=zone_name,
            project=project,
            dns_name=GOOGLEAPIS,
            description="Google APIs over Private Google Access (private.googleapis.com)",
            visibility="private",
            private_visibility_config=DnsManagedZonePrivateVisibilityConfig(
                networks=[DnsManagedZonePrivateVisibilityConfigNetworks(network_url=network_id)]
            ),
            depends_on=list(depends_on) or None,
        )
        self.vip = DnsRecordSet(
            self,
            "private",
            managed_zone=self.zone.name,
            project=project,
            name=PRIVATE_HOST,
            type="A",
            ttl=ttl,
            rrdatas=list(vip_addresses),
        )
        self.wildcard = DnsRecordSet(
            self,
            "wildcard",
            managed_zone=self.zone.name,
            project=project,
            name=f"*.{GOOGLEAPIS}",
            type="CNAME",
            ttl=ttl,
            rrdatas=[PRIVATE_HOST],
        )
