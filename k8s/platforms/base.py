"""What the charts ask of a platform: the answers that differ from one cluster to another."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Generic, TypeVar

from cdk8s import Chart
from cdk8s_plus_33 import k8s

from k8s.flows import Flow
from k8s.meta import Workload
from k8s.pod_secrets import SecretFile
from settings import Settings, Target

T = TypeVar("T", bound=Target)


class KubePlatform(ABC, Generic[T]):
    """One cluster type, for one kind of `settings.target`. Chosen once by
    `k8s.platforms.platform_for(settings, workload)`, keyed by the target's class."""

    def __init__(self, settings: Settings, target: T, workload: Workload) -> None:
        self.settings = settings
        self.target = target
        self.names = settings.names
        self.workload = workload

    def allowed_hosts(self) -> list[str]:
        """Host headers beyond the Service's names, the edge's and localhost. Default: none."""
        return []

    def service_account_annotations(self) -> dict[str, str]:
        """Annotations of the pod's Kubernetes service account. Default: none."""
        return {}

    def image_pull_secrets(self) -> list[str]:
        """Secrets the service account pulls images with. Default: none (node identity)."""
        return []

    @abstractmethod
    def add_secret_objects(self, chart: Chart, files: Sequence[SecretFile]) -> None:
        """The objects that deliver the secret files (and any credential) to the pod."""

    @abstractmethod
    def secrets_volume(self, name: str, files: Sequence[SecretFile]) -> k8s.Volume:
        """The volume holding the secret files, under the given volume name."""

    def credential_volumes(self) -> list[k8s.Volume]:
        """Volumes carrying the pod's Google credentials. Default: none (Workload Identity)."""
        return []

    def server_credential_mounts(self) -> list[k8s.VolumeMount]:
        """Where the containers that call Google (server, gc) see those credentials."""
        return []

    def server_env(self) -> list[k8s.EnvVar]:
        """Environment the containers that call Google need for it. Default: none."""
        return []

    def proxy_credentials(self) -> tuple[str, k8s.VolumeMount] | None:
        """The Auth Proxy's credentials file and the mount that holds it. Default: none, the
        pod's Workload Identity."""
        return None

    def add_server_extras(self, chart: Chart) -> None:
        """Objects beside the Deployment in chart 20-server (e.g. metrics scraping)."""

    def ingress_flows(self) -> list[Flow]:
        """Who inside the cluster may call the server (beyond the edge). Default: nobody."""
        return []

    @abstractmethod
    def cluster_egress(self) -> list[Flow]:
        """What the pods reach inside the cluster and on its nodes (DNS, metadata server)."""

    @abstractmethod
    def google_apis_egress(self) -> list[Flow]:
        """How the pods reach Google's APIs (Secret Manager, Storage, SQL Admin, IAM)."""
