"""The one place where the Terraform side picks its platform (see base.InfraPlatform).

The stack builds what every platform shares (APIs, bucket, database, workload service account,
registry) and asks the platform object for the rest: the network the database joins, how the
workload's Kubernetes service account becomes the Google service account, and the public edge.
A new platform is one new module here and one entry in PLATFORMS.
"""

from __future__ import annotations

from infra.platforms.base import DatabaseNetwork, InfraPlatform
from infra.platforms.created_gke import CreatedGke
from infra.platforms.existing_gke import ExistingGke
from infra.platforms.external import ExternalCluster
from settings import Platform

PLATFORMS: dict[Platform, type[InfraPlatform]] = {
    Platform.GKE: CreatedGke,
    Platform.GKE_EXISTING: ExistingGke,
    Platform.LOCAL: ExternalCluster,
}

__all__ = ["PLATFORMS", "DatabaseNetwork", "InfraPlatform"]
