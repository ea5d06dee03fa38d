"""The `network:` section: the VPC this project creates for its GKE cluster (platform gke)."""

from __future__ import annotations

import ipaddress

from pydantic import Field, model_validator

from settings.types import Cidr, Section


class NetworkSettings(Section):
    """VPC-native networking. All ranges private and disjoint."""

    subnet_cidr: Cidr = Field(
        "10.10.0.0/20", description="Primary range of the GKE subnet (nodes)."
    )
    pods_cidr: Cidr = Field("10.16.0.0/14", description="Secondary range for pod IPs.")
    services_cidr: Cidr = Field("10.20.0.0/20", description="Secondary range for Service IPs.")
    master_cidr: Cidr = Field(
        "172.16.0.0/28", description="/28 for the GKE control plane's private endpoint."
    )
    private_services_cidr: Cidr = Field(
        "10.30.0.0/20",
        description="Private services access range peered to Google (Cloud SQL private IP).",
    )
    master_authorized_cidrs: tuple[str, ...] = Field(
        (),
        description="CIDRs allowed to reach the cluster's public control-plane endpoint "
        "(kubectl, your office or VPN egress). Empty: only the VPC itself.",
    )
    control_plane_google_cloud_access: bool = Field(
        False,
        description="Also let every Google Cloud public IP reach the control-plane endpoint "
        "(Cloud Shell, Cloud Build, but also any Compute Engine VM of any project; IAM still "
        "applies).",
    )

    @model_validator(mode="after")
    def _disjoint(self) -> NetworkSettings:
        named = {
            "subnet_cidr": self.subnet_cidr,
            "pods_cidr": self.pods_cidr,
            "services_cidr": self.services_cidr,
            "master_cidr": self.master_cidr,
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
        if nets["master_cidr"].prefixlen != 28:
            raise ValueError(f"master_cidr {self.master_cidr} must be a /28 (GKE's rule)")
        if nets["private_services_cidr"].prefixlen > 24:
            raise ValueError(
                f"private_services_cidr {self.private_services_cidr} must be /24 or larger "
                "(Google's minimum for private services access)"
            )
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
