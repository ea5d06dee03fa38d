"""The `network:` section: the VPC this project creates for its GKE cluster (platform gke), and
how kubectl reaches the cluster's control plane."""

from __future__ import annotations

import ipaddress
from enum import StrEnum

from pydantic import Field, model_validator

from settings.types import Cidr, Section


class ControlPlaneAccess(StrEnum):
    """How the control plane is reached from outside the VPC.

    Google's network isolation page (https://cloud.google.com/kubernetes-engine/docs/concepts/network-isolation)
    replaces the private-cluster page and recommends reaching the control plane only through
    its DNS-based endpoint, which IAM guards (container.clusters.connect) from any network;
    the VPC-peering private endpoint (master_ipv4_cidr_block) is the legacy design.
    """

    # The DNS-based endpoint, IAM-authorized; no public IP endpoint; nodes and the VPC use the
    # internal IP endpoint (Private Service Connect on a new cluster).
    DNS = "dns"
    # The earlier output: a /28 peered to Google's VPC (master_cidr) and a public IP endpoint
    # behind master_authorized_cidrs.
    PEERING = "peering"


class GoogleApisVip(StrEnum):
    """Which of Google's private VIPs the created VPC sends *.googleapis.com to."""

    # private.googleapis.com (199.36.153.8/30): every Google API.
    PRIVATE = "private"
    # restricted.googleapis.com (199.36.153.4/30): only the APIs VPC Service Controls can
    # protect; for a project inside a perimeter
    # (https://cloud.google.com/vpc-service-controls/docs/private-connectivity).
    RESTRICTED = "restricted"


class NetworkSettings(Section):
    """VPC-native networking. All ranges private and disjoint."""

    subnet_cidr: Cidr = Field(
        "10.10.0.0/20", description="Primary range of the GKE subnet (nodes)."
    )
    pods_cidr: Cidr = Field("10.16.0.0/14", description="Secondary range for pod IPs.")
    services_cidr: Cidr = Field("10.20.0.0/20", description="Secondary range for Service IPs.")
    control_plane: ControlPlaneAccess = Field(
        ControlPlaneAccess.DNS,
        description="dns: kubectl reaches the control plane through its DNS-based endpoint "
        "(IAM decides who; `make credentials` uses it), and it has no public IP endpoint. "
        "peering: the earlier design, a VPC-peering private endpoint in master_cidr and a "
        "public IP endpoint behind master_authorized_cidrs (docs/deploy.md#the-control-plane).",
    )
    google_apis: GoogleApisVip = Field(
        GoogleApisVip.PRIVATE,
        description="Where the VPC's private DNS zones send *.googleapis.com: `private` "
        "(private.googleapis.com) or `restricted` (restricted.googleapis.com, for a project "
        "inside a VPC Service Controls perimeter; docs/enterprise.md).",
    )
    master_cidr: Cidr = Field(
        "172.16.0.0/28",
        description="control_plane peering: the /28 of the control plane's private endpoint.",
    )
    private_services_cidr: Cidr = Field(
        "10.30.0.0/20",
        description="Private services access range peered to Google (Cloud SQL private IP).",
    )
    master_authorized_cidrs: tuple[str, ...] = Field(
        (),
        description="control_plane peering: CIDRs allowed to reach the cluster's public "
        "control-plane endpoint (kubectl, your office or VPN egress). Empty: only the VPC.",
    )
    control_plane_google_cloud_access: bool = Field(
        False,
        description="control_plane peering: also let every Google Cloud public IP reach the "
        "control-plane endpoint "
        "(Cloud Shell, Cloud Build, but also any Compute Engine VM of any project; IAM still "
        "applies).",
    )

    @model_validator(mode="after")
    def _disjoint(self) -> NetworkSettings:
        named = {
            "subnet_cidr": self.subnet_cidr,
            "pods_cidr": self.pods_cidr,
            "services_cidr": self.services_cidr,
            **({"master_cidr": self.master_cidr} if self.peering else {}),
            "private_services_cidr": self.private_services_cidr,
        }
        nets = {k: ipaddress.ip_network(v) for k, v in named.items()}
        keys = list(nets)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if nets[a].overlaps(nets[b]):
                    raise ValueError(
                        f"{a} {named[a]} overlaps {b} {named[b]} (the ranges must be disjoint)"
                    )
        if self.peering and nets["master_cidr"].prefixlen != 28:
            raise ValueError(f"master_cidr {self.master_cidr} must be a /28 (GKE's rule)")
        if nets["private_services_cidr"].prefixlen > 24:
            raise ValueError(
                f"private_services_cidr {self.private_services_cidr} must be /24 or larger "
                "(Google's minimum for private services access)"
            )
        self._peering_only()
        seen: dict[ipaddress.IPv4Network | ipaddress.IPv6Network, str] = {}
        for cidr in self.master_authorized_cidrs:
            if "/" not in cidr:
                raise ValueError(
                    f"master_authorized_cidrs entry {cidr!r} is an address, not a CIDR block: "
                    f"add its prefix length ({cidr}/32 for that one address)"
                )
            try:
                ipaddress.ip_network(cidr, strict=True)
            except ValueError as exc:
                raise ValueError(
                    f"master_authorized_cidrs entry {cidr!r} is not a CIDR block with its host "
                    f"bits zero ({exc})"
                ) from None
            net = ipaddress.ip_network(cidr)
            if net in seen:
                raise ValueError(
                    f"master_authorized_cidrs lists {cidr!r} twice"
                    + (f" (as {seen[net]!r})" if seen[net] != cidr else "")
                    + ": list each range once"
                )
            seen[net] = cidr
        return self

    @property
    def peering(self) -> bool:
        return self.control_plane is ControlPlaneAccess.PEERING

    def _peering_only(self) -> None:
        if self.peering:
            return
        given = [
            f
            for f in ("master_cidr", "master_authorized_cidrs", "control_plane_google_cloud_access")
            if f in self.model_fields_set
        ]
        if given:
            raise ValueError(
                f"{', '.join(given)}: these shape the public IP and VPC-peering endpoints of "
                "network.control_plane peering; with control_plane dns (the default) kubectl "
                "reaches the control plane through its DNS-based endpoint, which IAM guards "
                "(the permission container.clusters.connect, in roles/container.developer), "
                "so there is no IP allowlist: remove them and run `make credentials` again, or "
                "set network.control_plane: peering to keep the earlier endpoints"
            )
