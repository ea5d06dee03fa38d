"""platform `gke-existing`: a GKE cluster (Standard or Autopilot) that the team already runs,
in its own VPC, possibly a shared VPC whose host project is another one.

The stack then creates only what MLflow needs (database, bucket, identities, the Workload
Identity binding, static IP, SSL policy, IAP) and checks at plan time that the cluster has what
the manifests rely on. This section says where the cluster is and what its network offers.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from settings import rules
from settings.types import Cidr, Section

_NETWORK_PATH = re.compile(
    r"projects/([a-z][a-z0-9-]{4,28}[a-z0-9])/global/networks/([a-z][-a-z0-9]*)"
)


def _network(value: str) -> str:
    if _NETWORK_PATH.fullmatch(value) or re.fullmatch(rules.GCE_NAME.pattern, value):
        return value
    raise ValueError(
        f"{value!r} must be a network name (in the cluster's project) or "
        "projects/<host project>/global/networks/<name> (a shared VPC)"
    )


class GoogleApisRoute(StrEnum):
    """How the cluster's pods reach Google APIs (the NetworkPolicy allows only that way)."""

    # The VPC already resolves *.googleapis.com to private.googleapis.com (its own DNS zone).
    PRIVATE_EXISTS = "private"
    # The stack creates that private DNS zone for the VPC (like the gke platform does).
    PRIVATE_CREATE = "private-create"
    # Inside a VPC Service Controls perimeter: the VPC already resolves *.googleapis.com to
    # restricted.googleapis.com (199.36.153.4/30), which serves only the APIs a perimeter can
    # protect (https://cloud.google.com/vpc-service-controls/docs/private-connectivity).
    RESTRICTED_EXISTS = "restricted"
    # The stack creates those zones (googleapis.com and pkg.dev to the restricted VIP,
    # gstatic.com to the private one) and the routes to both VIPs.
    RESTRICTED_CREATE = "restricted-create"
    # By their public addresses (Cloud NAT): the policy then allows HTTPS to any address.
    PUBLIC = "public"

    @property
    def restricted(self) -> bool:
        """googleapis.com goes to restricted.googleapis.com (a VPC Service Controls perimeter)."""
        return self in (GoogleApisRoute.RESTRICTED_EXISTS, GoogleApisRoute.RESTRICTED_CREATE)

    @property
    def creates_zones(self) -> bool:
        """infra/ creates the private DNS zones (and, restricted, the routes) in the VPC."""
        return self in (GoogleApisRoute.PRIVATE_CREATE, GoogleApisRoute.RESTRICTED_CREATE)


class PrivateServices(Section):
    """Private services access in the cluster's VPC, which Cloud SQL's private IP comes from."""

    create: bool = Field(
        False,
        description="Refused on platform gke-existing (kept to say why): a VPC has one private "
        "services access connection, shared by every producer (Cloud SQL, Memorystore, "
        "Filestore) of every project on it, so the stack never creates or removes it in a "
        "network it did not create; the error names the two gcloud commands that set it up.",
    )
    range_name: Annotated[str, AfterValidator(rules.GCE_NAME.check)] | None = Field(
        None,
        description="The reserved range: the existing one (create false, required), or the "
        "name of the one to create (default <prefix>-<environment>-psa).",
    )
    cidr: Cidr = Field(
        description="The range's CIDR: the NetworkPolicy lets the proxy reach Cloud SQL there; "
        "an existing range is checked against it at plan time."
    )

    @model_validator(mode="after")
    def _existing_needs_a_name(self) -> PrivateServices:
        if not self.create and self.range_name is None:
            raise ValueError(
                "range_name is required with create false: the allocated range the VPC's "
                "private services access uses (gcloud compute addresses list --global "
                "--filter=purpose=VPC_PEERING)"
            )
        return self


class ExistingCluster(Section):
    """The team's GKE cluster (platform gke-existing)."""

    name: Annotated[str, AfterValidator(rules.GKE_CLUSTER.check)] = Field(
        description="The cluster's name."
    )
    location: str = Field(description="Its location: the region (regional) or a zone.")
    project: Annotated[str, AfterValidator(rules.PROJECT_ID.check)] | None = Field(
        None,
        description="The cluster's project; default project_id. Its load balancer, static "
        "IP, SSL policy and IAP grants live there, and its Workload Identity pool is "
        "<project>.svc.id.goog.",
    )
    network: Annotated[str, AfterValidator(_network)] = Field(
        description="The cluster's VPC: a name in the cluster's project, or "
        "projects/<host project>/global/networks/<name> for a shared VPC."
    )
    pods_cidr: Cidr = Field(
        description="The cluster's pod range (in-cluster callers, Managed Prometheus among "
        "them: the NetworkPolicy and the IAP plugin's in-cluster caller class)."
    )
    private_services: PrivateServices = Field(description="Private services access.")
    google_apis: GoogleApisRoute = Field(
        GoogleApisRoute.PRIVATE_EXISTS,
        description="How pods reach Google APIs: `private` (the VPC resolves googleapis.com, "
        "and with auth on gstatic.com, to private.googleapis.com already), `private-create` "
        "(the stack creates those DNS zones), `restricted` / `restricted-create` (inside a VPC "
        "Service Controls perimeter: googleapis.com on restricted.googleapis.com, "
        "199.36.153.4/30; docs/enterprise.md) or `public` (by public addresses; the "
        "NetworkPolicy then allows HTTPS anywhere).",
    )
    manage_host_firewall: bool = Field(
        False,
        description="Create the firewall rule that lets the load balancer's health checkers "
        "(130.211.0.0/22, 35.191.0.0/16) reach the pods' serving port, in the network's "
        "project (a shared VPC's host: the deployer needs roles/compute.securityAdmin there). "
        "false: the rule must exist already; `make plan` checks it and prints the gcloud "
        "command that creates it (docs/enterprise.md, Shared VPC).",
    )
    autopilot: bool = Field(
        False,
        description="An Autopilot cluster: no node pool settings, Autopilot's resource rules "
        "(checked here), Dataplane V2 and Workload Identity always on.",
    )
    node_service_account: (
        Annotated[str, AfterValidator(rules.SERVICE_ACCOUNT_EMAIL.check)] | None
    ) = Field(
        None,
        description="The nodes' service account, granted read on the image repository. "
        "None: the nodes can already pull from it.",
    )

    @model_validator(mode="after")
    def _never_owns_the_peering(self) -> ExistingCluster:
        # A VPC has one servicenetworking peering that every producer of every project on it
        # shares; destroy cannot know whether others use it now. The network's owner sets it
        # up once (https://cloud.google.com/vpc/docs/configure-private-services-access).
        if self.private_services.create:
            net = f" --project={self.network_project}" if self.network_project else ""
            cidr = self.private_services.cidr
            address, prefix = cidr.split("/")
            name = self.private_services.range_name or "google-managed-services-" + (
                self.network_name
            )
            raise ValueError(
                "existing_cluster.private_services.create: true is refused: a VPC has one "
                "private services access connection, which every producer (Cloud SQL, "
                "Memorystore, Filestore) of every project on the network shares, so this stack "
                "never creates it in a network it did not create, and never removes it on "
                "destroy. Let the network's owner create it once: gcloud compute addresses "
                f"create {name} --global --purpose=VPC_PEERING --addresses={address} "
                f"--prefix-length={prefix} --network={self.network_name}{net} && gcloud "
                f"services vpc-peerings connect --service=servicenetworking.googleapis.com "
                f"--ranges={name} --network={self.network_name}{net}; then set "
                f"private_services.create: false and range_name: {name}"
            )
        return self

    @property
    def network_project(self) -> str | None:
        """The shared VPC's host project, when the network names one."""
        match = _NETWORK_PATH.fullmatch(self.network)
        return match[1] if match else None

    @property
    def network_name(self) -> str:
        match = _NETWORK_PATH.fullmatch(self.network)
        return match[2] if match else self.network
