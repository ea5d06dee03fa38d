"""Private Google Access by DNS: Google's domains resolve to private.googleapis.com in the VPC,
or, inside a VPC Service Controls perimeter, to restricted.googleapis.com.

Pods then reach Google on one small range (settings.PRIVATE_GOOGLE_APIS_CIDR), which the
Kubernetes NetworkPolicy can allow instead of the whole internet on 443. Two domains:

* googleapis.com: every Google API (Cloud SQL Admin, Secret Manager, Storage, IAM, ...);
* gstatic.com: where Google publishes key sets, IAP's signing keys among them
  (www.gstatic.com/iap/verify/public_key, which the IAP plugin reads), which the server verifies
  IAP's header with. private.googleapis.com serves *.gstatic.com too ("Domain options" below).

Inside a perimeter (restricted_zones): googleapis.com and pkg.dev (Artifact Registry, where the
nodes pull the image) go to restricted.googleapis.com, which serves only what a perimeter can
protect; gstatic.com is not among those, so it stays on private.googleapis.com, the VIP VPC
Service Controls' own page names for "Google APIs and services that aren't supported by VPC
Service Controls" (https://cloud.google.com/vpc-service-controls/docs/private-connectivity).
Routes to both VIPs through the default internet gateway keep them reachable on a VPC whose
default route was removed ("Routing options" below); the traffic stays in Google's network.

https://cloud.google.com/vpc/docs/configure-private-google-access#config-domain
https://cloud.google.com/vpc/docs/configure-private-google-access#config-routing
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.compute_route import ComputeRoute
from cdktf_cdktf_provider_google.dns_managed_zone import (
    DnsManagedZone,
    DnsManagedZonePrivateVisibilityConfig,
    DnsManagedZonePrivateVisibilityConfigNetworks,
)
from cdktf_cdktf_provider_google.dns_record_set import DnsRecordSet
from constructs import Construct

from settings import Names
from settings.contract import (
    PRIVATE_GOOGLE_APIS_CIDR,
    PRIVATE_GOOGLE_APIS_IPS,
    RESTRICTED_GOOGLE_APIS_CIDR,
    RESTRICTED_GOOGLE_APIS_IPS,
)

GOOGLEAPIS = "googleapis.com."
PRIVATE_HOST = f"private.{GOOGLEAPIS}"
RESTRICTED_HOST = f"restricted.{GOOGLEAPIS}"
GSTATIC = "gstatic.com."
PKG_DEV = "pkg.dev."


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
# Inside a perimeter: the APIs and Artifact Registry on the restricted VIP (Artifact Registry,
# "Configure restricted access for GKE private clusters": pkg.dev and *.pkg.dev to the restricted
# VIP, https://cloud.google.com/artifact-registry/docs/gke-private-clusters), the key sets on the
# private one.
RESTRICTED_DOMAINS = (
    GoogleDomain(
        GOOGLEAPIS,
        RESTRICTED_HOST,
        "googleapis-dns",
        "Google APIs inside the VPC Service Controls perimeter (restricted.googleapis.com)",
    ),
    GoogleDomain(
        PKG_DEV,
        PKG_DEV,
        "pkg-dev-dns",
        "Artifact Registry inside the VPC Service Controls perimeter (restricted VIP)",
    ),
    DOMAINS[1],
)
# Each restricted domain's A record: the restricted VIP, but the private one for gstatic.com.
RESTRICTED_VIPS = {
    GOOGLEAPIS: RESTRICTED_GOOGLE_APIS_IPS,
    PKG_DEV: RESTRICTED_GOOGLE_APIS_IPS,
    GSTATIC: PRIVATE_GOOGLE_APIS_IPS,
}


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
    vip_addresses: Sequence[str] = PRIVATE_GOOGLE_APIS_IPS,
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


def add_restricted_google_zones(
    scope: Construct,
    *,
    zone_names: dict[str, str],
    route_names: tuple[str, str],
    network_id: str,
    project: str | None = None,
    depends_on: Sequence[ITerraformDependable] = (),
) -> list[PrivateGoogleZone]:
    """VPC Service Controls: one private zone per domain of RESTRICTED_DOMAINS (googleapis.com
    and pkg.dev to the restricted VIP, gstatic.com to the private one) and the routes to both
    VIPs (route_names: restricted's, private's) through the default internet gateway."""
    zones = [
        PrivateGoogleZone(
            scope,
            domain.construct_id,
            domain=domain,
            zone_name=zone_names[domain.dns_name],
            network_id=network_id,
            vip_addresses=RESTRICTED_VIPS[domain.dns_name],
            project=project,
            depends_on=depends_on,
        )
        for domain in RESTRICTED_DOMAINS
    ]
    for name, cidr, vip in zip(
        route_names,
        (RESTRICTED_GOOGLE_APIS_CIDR, PRIVATE_GOOGLE_APIS_CIDR),
        ("restricted", "private"),
        strict=True,
    ):
        ComputeRoute(
            scope,
            f"{vip}-apis-route",
            name=name,
            project=project,
            network=network_id,
            dest_range=cidr,
            next_hop_gateway="default-internet-gateway",
            description=f"{vip}.googleapis.com over Private Google Access",
            depends_on=list(depends_on) or None,
        )
    return zones


def add_google_api_zones(
    scope: Construct,
    *,
    restricted: bool,
    names: Names,
    network_id: str,
    project: str | None = None,
    depends_on: Sequence[ITerraformDependable] = (),
) -> list[PrivateGoogleZone]:
    """The zones (and, restricted, the routes) for the VPC: private.googleapis.com's, or those
    of a VPC Service Controls perimeter."""
    zone_names = {
        GOOGLEAPIS: names.private_dns_zone,
        GSTATIC: names.gstatic_dns_zone,
        PKG_DEV: names.pkg_dev_dns_zone,
    }
    if restricted:
        return add_restricted_google_zones(
            scope,
            zone_names=zone_names,
            route_names=(names.restricted_route, names.private_route),
            network_id=network_id,
            project=project,
            depends_on=depends_on,
        )
    return add_private_google_zones(
        scope,
        zone_names=zone_names,
        network_id=network_id,
        project=project,
        depends_on=depends_on,
    )
