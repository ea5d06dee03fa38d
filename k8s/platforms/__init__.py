"""The one place where the Kubernetes side picks its platform (see base.KubePlatform).

Every chart asks the platform object what differs between clusters (the pod's Google identity,
where the database password comes from, how the Service is exposed, which extra charts exist);
none of them branches on the platform itself. A new platform is one new module here and one
entry in PLATFORMS.
"""

from __future__ import annotations

from k8s.platforms.base import KubePlatform
from k8s.platforms.gke import GkePlatform
from k8s.platforms.local import LocalPlatform
from settings import Platform, Settings

PLATFORMS: dict[Platform, type[KubePlatform]] = {
    Platform.GKE: GkePlatform,
    # The team's own GKE cluster takes the same manifests.
    Platform.GKE_EXISTING: GkePlatform,
    Platform.LOCAL: LocalPlatform,
}


def platform_for(settings: Settings) -> KubePlatform:
    return PLATFORMS[settings.platform](settings)


__all__ = ["KubePlatform", "platform_for"]
