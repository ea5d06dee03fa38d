"""Where the Kubernetes side runs: the `platform` setting and the section that goes with it, as
one typed value (`Settings.target`), a discriminated union of three frozen classes.

A config file names the platform (`platform: gke | gke-existing | local`) and writes that
platform's section beside it (`cluster` and `network`, `existing_cluster`, `local`). The
settings model keeps that flat shape for the file; `target_of` checks that the sections fit the
platform and returns the one class that describes it, with its section present and typed. Code
that needs a platform's own settings matches on the class (`case ExistingGke(existing=e):`):
nothing asks whether a section is None, and nothing asserts it.

What differs between platforms is answered here once, as an attribute of each class: the
cluster's project and location, its pod range, the private services range the database draws
its address from, how pods reach Google APIs. The infra/ and k8s/ platform objects
(infra/platforms/, k8s/platforms/) are chosen by the same `platform` value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar

from settings import autopilot
from settings.cluster import ClusterSettings
from settings.existing_cluster import ExistingCluster, GoogleApisRoute, PrivateServices
from settings.local import LocalSettings
from settings.network import GoogleApisVip, NetworkSettings

if TYPE_CHECKING:
    from settings.model import Settings


class Platform(StrEnum):
    """Where the Kubernetes side runs."""

    GKE = "gke"  # the GKE cluster this project creates; Workload Identity, no keys
    GKE_EXISTING = "gke-existing"  # a GKE cluster (Standard or Autopilot) the team already has
    LOCAL = "local"  # any other cluster (docker-desktop, kind, minikube), keyless by default


@dataclass(frozen=True)
class CreatedGke:
    """platform gke: a private GKE cluster (Standard with its node pool, or Autopilot), its VPC
    and private services access, all created by this project in `project_id`."""

    cluster: ClusterSettings
    network: NetworkSettings
    project: str  # the cluster's project: project_id
    location: str  # cluster.location, default <region>-b (Standard) or the region (Autopilot)

    platform: ClassVar[Platform] = Platform.GKE
    is_gke: ClassVar[bool] = True
    # The VPC, the cluster and its firewall rules are this project's (teardown deletes them).
    owns_network: ClassVar[bool] = True

    @property
    def google_apis(self) -> GoogleApisRoute:
        """infra/ creates the private zones that send googleapis.com and gstatic.com to a VIP:
        private.googleapis.com, or restricted.googleapis.com inside a perimeter."""
        if self.network.google_apis is GoogleApisVip.RESTRICTED:
            return GoogleApisRoute.RESTRICTED_CREATE
        return GoogleApisRoute.PRIVATE_CREATE

    @property
    def autopilot(self) -> bool:
        return self.cluster.autopilot

    @property
    def dns_endpoint(self) -> bool:
        """kubectl reaches the control plane through its DNS-based endpoint."""
        return not self.network.peering

    @property
    def pods_cidr(self) -> str:
        return self.network.pods_cidr

    @property
    def private_services(self) -> PrivateServices:
        """The range Cloud SQL's private IP comes from; created, and named by `Names`."""
        return PrivateServices(create=True, cidr=self.network.private_services_cidr)

    @property
    def google_apis_private(self) -> bool:
        return True

    def kube_context(self, cluster: str) -> str:
        """The kubectl context `make credentials` writes for the cluster named `cluster`."""
        return f"gke_{self.project}_{self.location}_{cluster}"


@dataclass(frozen=True)
class ExistingGke:
    """platform gke-existing: a GKE cluster (Standard or Autopilot) the team already runs, in
    its VPC, perhaps a shared one whose host is another project."""

    existing: ExistingCluster
    project: str  # the cluster's project: existing_cluster.project, default project_id

    platform: ClassVar[Platform] = Platform.GKE_EXISTING
    is_gke: ClassVar[bool] = True
    owns_network: ClassVar[bool] = False

    @property
    def location(self) -> str:
        return self.existing.location

    @property
    def autopilot(self) -> bool:
        return self.existing.autopilot

    # The team's cluster: its control plane is reached the way its team set up.
    dns_endpoint: ClassVar[bool] = False

    @property
    def google_apis(self) -> GoogleApisRoute:
        return self.existing.google_apis

    @property
    def pods_cidr(self) -> str:
        return self.existing.pods_cidr

    @property
    def private_services(self) -> PrivateServices:
        return self.existing.private_services

    @property
    def google_apis_private(self) -> bool:
        """Pods reach Google APIs on private.googleapis.com (else by public addresses)."""
        return self.existing.google_apis is not GoogleApisRoute.PUBLIC

    @property
    def network_project(self) -> str:
        """The VPC's project: a shared VPC's host, else the cluster's."""
        return self.existing.network_project or self.project

    def kube_context(self, cluster: str) -> str:
        return f"gke_{self.project}_{self.location}_{cluster}"


@dataclass(frozen=True)
class ExternalCluster:
    """platform local: a Kubernetes cluster outside Google Cloud (docker-desktop, kind)."""

    local: LocalSettings
    project: str  # where its federation pool and its grants live: project_id

    platform: ClassVar[Platform] = Platform.LOCAL
    is_gke: ClassVar[bool] = False
    owns_network: ClassVar[bool] = False


Target = CreatedGke | ExistingGke | ExternalCluster
GkeTarget = CreatedGke | ExistingGke


def target_of(s: Settings) -> Target:
    """The typed platform of `s`. Raises ValueError, naming the fields, when the platform's
    section is missing or another platform's section is present."""
    external = _external(s)
    existing = _existing(s)
    if external is not None:
        return external
    if existing is not None:
        return existing
    if s.cluster.autopilot:
        if s.cluster.location and s.cluster.location != s.region:
            raise ValueError(
                f"cluster.location {s.cluster.location!r}: an Autopilot cluster is regional; "
                f"remove it or set the region {s.region!r}"
            )
        _check_autopilot(s)
    location = s.cluster.location or (s.region if s.cluster.autopilot else f"{s.region}-b")
    return CreatedGke(cluster=s.cluster, network=s.network, project=s.project_id, location=location)


def _external(s: Settings) -> ExternalCluster | None:
    if s.platform is not Platform.LOCAL:
        if s.local is not None:
            raise ValueError("the 'local' section only applies to platform 'local'")
        return None
    if s.local is None:
        raise ValueError("platform 'local' needs a 'local' section (key_file, ...)")
    if not s.database.allow_public_ip:
        raise ValueError(
            "platform 'local' needs database.allow_public_ip: true (a cluster outside "
            "the VPC reaches Cloud SQL only through its public IP, via the proxy)"
        )
    if s.local.federated and s.project_number is None:
        raise ValueError(
            "local.credentials workload_identity_federation needs project_number (the "
            "federation audience names the project by number: gcloud projects describe "
            f"{s.project_id} --format='value(projectNumber)')"
        )
    return ExternalCluster(local=s.local, project=s.project_id)


def _existing(s: Settings) -> ExistingGke | None:
    if s.platform is not Platform.GKE_EXISTING:
        if s.existing_cluster is not None:
            raise ValueError("the 'existing_cluster' section only applies to platform gke-existing")
        return None
    existing = s.existing_cluster
    if existing is None:
        raise ValueError(
            "platform 'gke-existing' needs an 'existing_cluster' section (name, location, "
            "network, pods_cidr, private_services)"
        )
    for section, instead in (
        ("cluster", "existing_cluster (the cluster is the team's)"),
        ("network", "existing_cluster.network, .pods_cidr and .private_services"),
    ):
        if section in s.model_fields_set:
            raise ValueError(
                f"the '{section}' section configures a cluster this project creates; on "
                f"platform gke-existing use {instead}"
            )
    loc = existing.location
    if loc != s.region and not re.fullmatch(re.escape(s.region) + r"-[a-z]", loc):
        raise ValueError(
            f"existing_cluster.location {loc!r} must be the region {s.region!r} or one "
            "of its zones (the database and the bucket are in the region)"
        )
    if existing.autopilot:
        _check_autopilot(s)
    return ExistingGke(existing=existing, project=existing.project or s.project_id)


def _check_autopilot(s: Settings) -> None:
    found = autopilot.problems(
        s.server.resources, dict(s.server.node_selector), s.garbage_collection.resources
    )
    if found:
        raise ValueError(
            "server.resources, server.node_selector, garbage_collection.resources: on "
            "Autopilot, " + "; ".join(found)
        )
