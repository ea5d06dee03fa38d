"""The `cluster:` section: the GKE cluster this project creates (platform gke), Standard with
its own node pool, or Autopilot."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from settings.maintenance import MaintenanceSettings
from settings.types import MachineType, Section


class ReleaseChannel(StrEnum):
    RAPID = "RAPID"
    REGULAR = "REGULAR"
    STABLE = "STABLE"
    EXTENDED = "EXTENDED"


# The oldest Kubernetes minor any GKE release channel offers (the Extended channel's, 1.31 to
# 1.36; Rapid 1.34-1.37, Regular 1.34-1.36, Stable 1.34-1.35): the "Current versions" table of
# https://docs.cloud.google.com/kubernetes-engine/docs/release-notes (late 2026). The charts'
# API types (k8s/meta.py API_TYPES_VERSION) must be at least this; bump it as versions retire
# (https://docs.cloud.google.com/kubernetes-engine/docs/release-schedule).
OLDEST_CHANNEL_MINOR = "1.31"


class ClusterMode(StrEnum):
    """GKE's two modes of operation. Autopilot is Google's default for new clusters
    (https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-overview): nodes are
    Google's, sized from the pods' requests and billed by them."""

    STANDARD = "standard"  # a node pool this project sizes (machine_type, min/max_nodes, ...)
    AUTOPILOT = (
        "autopilot"  # no node pool; Autopilot's resource rules apply (settings/autopilot.py)
    )


# The node pool's settings, which an Autopilot cluster has no place for.
STANDARD_ONLY = ("machine_type", "min_nodes", "max_nodes", "disk_size_gb", "spot")


class ClusterSettings(Section):
    """The GKE cluster (platform gke only)."""

    mode: ClusterMode = Field(
        ClusterMode.STANDARD,
        description="standard (a node pool sized here) or autopilot (Google runs and sizes the "
        "nodes from the pods' requests; the node pool settings are refused).",
    )
    location: str = Field(
        "",
        description="A zone (zonal cluster) or the region (regional); empty: <region>-b, "
        "and the region on Autopilot (Autopilot clusters are regional).",
    )
    release_channel: ReleaseChannel = Field(ReleaseChannel.REGULAR, description="GKE channel.")
    machine_type: MachineType = Field(
        "e2-standard-2",
        description="Node machine type (standard): 2 vCPU / 8 GiB fits two MLflow pods, their "
        "proxies and GKE's system pods.",
    )
    # At least one node stays up for the server; GKE caps a pool at 1,000 nodes per zone
    # (https://cloud.google.com/kubernetes-engine/quotas).
    min_nodes: int = Field(1, ge=1, le=1000, description="Autoscaler minimum per zone (standard).")
    max_nodes: int = Field(3, ge=1, le=1000, description="Autoscaler maximum per zone (standard).")
    # GKE's NodeConfig.diskSizeGb: at least 12 GB, 15 GB from GKE 1.36.3-gke.1480000 (the
    # container/v1 API reference); at most Compute Engine's 64 TiB persistent disk.
    disk_size_gb: int = Field(
        50, ge=15, le=65536, description="Node boot disk (pd-balanced), GB (standard)."
    )
    spot: bool = Field(
        False, description="Use Spot VMs for the pool (standard; cheaper, preemptible)."
    )
    deletion_protection: bool = Field(True, description="Refuse `destroy` of the cluster.")
    maintenance: MaintenanceSettings = Field(
        default_factory=MaintenanceSettings,
        description="When GKE may upgrade the cluster: a weekly window (default: Saturday and "
        "Sunday nights in the region, 6 hours) and exclusions.",
    )

    @model_validator(mode="after")
    def _bounds(self) -> ClusterSettings:
        if self.max_nodes < self.min_nodes:
            raise ValueError(f"max_nodes {self.max_nodes} is below min_nodes {self.min_nodes}")
        given = [f for f in STANDARD_ONLY if f in self.model_fields_set]
        if self.mode is ClusterMode.AUTOPILOT and given:
            # Refused rather than ignored: a setting that silently does nothing would let a
            # team believe it runs Spot VMs or 200 GB disks when it does not.
            raise ValueError(
                f"{', '.join(given)}: node pool settings, and an Autopilot cluster has no node "
                "pool (Autopilot sizes nodes from the pods' requests: server.resources); remove "
                "them, or set cluster.mode: standard"
            )
        return self

    @property
    def autopilot(self) -> bool:
        return self.mode is ClusterMode.AUTOPILOT
