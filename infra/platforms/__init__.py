"""The one place where the Terraform side picks its platform (see base.InfraPlatform).

The stack builds what every platform shares (APIs, bucket, database, workload service account,
registry) and asks the platform object for the rest: the VPC the pods run in, how the
workload's Kubernetes service account becomes the Google service account, the cluster's
monitoring and outputs. PLATFORMS is keyed by the class of `settings.target`
(settings/targets.py), so each platform object gets its own target, typed. A new platform is
one new module here and one entry in PLATFORMS.
"""

from __future__ import annotations

from typing import Any

from infra.platforms.base import InfraPlatform, PodReader, Vpc
from infra.platforms.created_gke import CreatedGkePlatform
from infra.platforms.existing_gke import ExistingGkePlatform
from infra.platforms.external import ExternalPlatform
from settings import CreatedGke, ExistingGke, ExternalCluster, Settings

PLATFORMS: dict[type, type[InfraPlatform[Any]]] = {
    CreatedGke: CreatedGkePlatform,
    ExistingGke: ExistingGkePlatform,
    ExternalCluster: ExternalPlatform,
}


def platform_type(settings: Settings) -> type[InfraPlatform[Any]]:
    return PLATFORMS[type(settings.target)]


__all__ = ["PLATFORMS", "InfraPlatform", "PodReader", "Vpc", "platform_type"]
