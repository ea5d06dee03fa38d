"""The `cluster:` section: the GKE Standard cluster this project creates (platform gke)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

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


class ClusterSettings(Section):
    """GKE Standard cluster and its node pool (platform gke only)."""

    location: str = Field(
        "", description="A zone (zonal cluster) or the region (regional); empty: <region>-b."
    )
    release_channel: ReleaseChannel = Field(ReleaseChannel.REGULAR, description="GKE channel.")
    machine_type: MachineType = Field(
        "e2-standard-2",
        description="Node machine type: 2 vCPU / 8 GiB fits two MLflow pods, their proxies "
        "and GKE's system pods.",
    )
    # At least one node stays up for the server; GKE caps a pool at 1,000 nodes per zone
    # (https://cloud.google.com/kubernetes-engine/quotas).
    min_nodes: int = Field(1, ge=1, le=1000, description="Autoscaler minimum per zone.")
    max_nodes: int = Field(3, ge=1, le=1000, description="Autoscaler maximum per zone.")
    # GKE's NodeConfig.diskSizeGb: at least 12 GB, 15 GB from GKE 1.36.3-gke.1480000 (the
    # container/v1 API reference); at most Compute Engine's 64 TiB persistent disk.
    disk_size_gb: int = Field(50, ge=15, le=65536, description="Node boot disk (pd-balanced), GB.")
    spot: bool = Field(False, description="Use Spot VMs for the pool (cheaper, preemptible).")
    deletion_protection: bool = Field(True, description="Refuse `destroy` of the cluster.")

    @model_validator(mode="after")
    def _bounds(self) -> ClusterSettings:
        if self.max_nodes < self.min_nodes:
            raise ValueError(f"max_nodes {self.max_nodes} is below min_nodes {self.min_nodes}")
        return self
