"""The one place where the Kubernetes side picks its platform (see base.KubePlatform).

Every chart asks the platform object what differs between clusters (the pod's Google identity,
how the secret files reach the pod, what the pods reach in the cluster and how they reach
Google); none of them branches on the platform itself. PLATFORMS is keyed by the class of
`settings.target` (settings/targets.py), so each platform object gets its own target, typed. A
new platform is one new module here and one entry in PLATFORMS.
"""

from __future__ import annotations

from typing import Any

from k8s.meta import Workload
from k8s.platforms.base import KubePlatform
from k8s.platforms.gke import GkePlatform
from k8s.platforms.local import LocalPlatform
from settings import CreatedGke, ExistingGke, ExternalCluster, Settings

PLATFORMS: dict[type, type[KubePlatform[Any]]] = {
    CreatedGke: GkePlatform,
    # The team's own GKE cluster takes the same manifests.
    ExistingGke: GkePlatform,
    ExternalCluster: LocalPlatform,
}


def platform_for(settings: Settings, workload: Workload) -> KubePlatform[Any]:
    target = settings.target
    return PLATFORMS[type(target)](settings, target, workload)


__all__ = ["KubePlatform", "platform_for"]
