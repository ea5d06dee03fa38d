"""What the charts ask of the place Secret Manager keeps the deployment's secrets."""

from __future__ import annotations

from abc import ABC, abstractmethod

from settings import Settings


class KubeSecretLocation(ABC):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def latest_version(self, secret_id: str) -> str:
        """The resource name of `secret_id`'s latest version (what the Secret Manager add-on
        mounts)."""
