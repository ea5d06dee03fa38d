"""What the charts ask of the way MLflow logs in to PostgreSQL."""

from __future__ import annotations

from abc import ABC, abstractmethod

from k8s.pod_secrets import SecretFile
from k8s.secrets import KubeSecretLocation
from settings import Settings


class KubeDatabaseAuth(ABC):
    def __init__(self, settings: Settings, secrets: KubeSecretLocation) -> None:
        self.settings = settings
        self.names = settings.names
        self.secrets = secrets

    @abstractmethod
    def config(self) -> dict[str, str]:
        """ConfigMap entries the image's entry point reads to log in."""

    @abstractmethod
    def secret_files(self) -> list[SecretFile]:
        """The files of the pods' secrets volume the login needs."""

    def proxy_args(self) -> list[str]:
        """The Auth Proxy's flags for this login. Default: none."""
        return []
