"""Private Google Access by DNS: Google's domains resolve to private.googleapis.com in the VPC.

Pods then reach Google on one small range (settings.PRIVATE_GOOGLE_APIS_CIDR), which the
Kubernetes NetworkPolicy can allow instead of the whole internet on 443. Two domains:

* googleapis.com: every Google API (Cloud SQL Admin, Secret Manager, Storage, IAM, ...);
* gstatic.com: where Google publishes key sets, IAP's signing keys among them
  (www.gstatic.com/iap/verify/public_key-jwk), which the server verifies IAP's header with.
  private.googleapis.com serves *.gstatic.com too ("Domain options" below).

https://cloud.google.com/vpc/docs/configure-private-google-access#config-domain
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
GSTATIC = "gstatic.com."


@dataclass(frozen=True)
class GoogleDomain:
    """One domain that private.googleapis.com serves: the host its A record names (the
    documented form: private.googleapis.com for googleapis.com, the apex for the others) and
    the wildcard's CNAME target."""

    dns_name: str
    address_host: str
    construct_id: str
    description: str


DOMAINS = (
    GoogleDomain(
        GOOGLEAPIS,
        PRIVATE_HOST,
        "googleapis-dns",
        "Google APIs over Private Google Access (private.googleapis.com)",
    ),
    GoogleDomain(
        GSTATIC,
        GSTATIC,
        "gstatic-dns",
        "Google's key sets (IAP's signing keys) over Private Google Access",
    ),
)


class PrivateGoogleZone(Construct):
    """A private zone for one Google domain, visible to one VPC.

    Options:
      domain: which domain, one of DOMAINS. Required.
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
        domain: GoogleDomain,
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
            dns_name=domain.dns_name,
            description=domain.description,
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
            name=domain.address_host,
            type="A",
            ttl=ttl,
            rrdatas=list(vip_addresses),
        )
        self.wildcard = DnsRecordSet(
            self,
            "wildcard",
            managed_zone=self.zone.name,
            project=project,
            name=f"*.{domain.dns_name}",
            type="CNAME",
            ttl=ttl,
            rrdatas=[domain.address_host],
        )


def add_private_google_zones(
    scope: Construct,
    *,
    zone_names: dict[str, str],
    network_id: str,
    vip_addresses: Sequence[str],
    project: str | None = None,
    depends_on: Sequence[ITerraformDependable] = (),
) -> list[PrivateGoogleZone]:
    """One private zone per domain of DOMAINS; zone_names maps each dns_name to its zone."""
    return [
        PrivateGoogleZone(
            scope,
            domain.construct_id,
            domain=domain,
            zone_name=zone_names[domain.dns_name],
            network_id=network_id,
            vip_addresses=vip_addresses,
            project=project,
            depends_on=depends_on,
        )
        for domain in DOMAINS
    ]
