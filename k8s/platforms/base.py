"""What the charts ask of a platform: the answers that differ from one cluster to another."""

from __future__ import annotations

from abc import ABC, abstractmethod

from cdk8s import App, Chart
from cdk8s_plus_25 import k8s

from k8s.meta import Workload
from settings import Settings


class KubePlatform(ABC):
    """One cluster type. Chosen once by `k8s.platforms.platform_for(settings)`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.workload = Workload.of(settings)

    @property
    def service_port(self) -> int:
        """The Service's port. Default: the server's container port."""
        return self.settings.server.port

    def allowed_hosts(self) -> list[str]:
        """Host headers beyond the Service's names and localhost. Default: none."""
        return []

    def allowed_origins(self) -> list[str]:
        """Browser origins beyond localhost's (CORS, MLflow's Origin check). Default: none."""
        return []

    def service_account_annotations(self) -> dict[str, str]:
        """Annotations of the pod's Kubernetes service account. Default: none."""
        return {}

    def image_pull_secrets(self) -> list[str]:
        """Secrets the service account pulls images with. Default: none (node identity)."""
        return []

    @abstractmethod
    def add_secret_objects(self, chart: Chart) -> None:
        """The objects that deliver the database password (and any credential) to the pod."""

    @abstractmethod
    def password_volume(self, name: str) -> k8s.Volume:
        """The volume holding the database password file, under the given volume name."""

    def credential_volumes(self) -> list[k8s.Volume]:
        """Volumes carrying the pod's Google credentials. Default: none (Workload Identity)."""
        return []

    def server_credential_mounts(self) -> list[k8s.VolumeMount]:
        """Where the server container sees those credentials. Default: none."""
        return []

    def server_env(self) -> list[k8s.EnvVar]:
        """Environment the server container needs for Google access. Default: none."""
        return []

    @abstractmethod
    def proxy_container(self) -> k8s.Container:
        """The Cloud SQL Auth Proxy sidecar as this cluster reaches the instance."""

    @abstractmethod
    def service(self) -> tuple[str, dict[str, str]]:
        """The Service's type and annotations."""

    def add_server_extras(self, chart: Chart) -> None:  # noqa: B027 - optional hook
        """Objects beside the Deployment in chart 20-server (e.g. metrics scraping)."""

    def extra_charts(self, app: App) -> list[Chart]:
        """Charts after 20-server (load balancer, network policy). Default: none."""
        return []
