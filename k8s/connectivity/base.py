"""What the charts ask of the way the Auth Proxy reaches the Cloud SQL instance."""

from __future__ import annotations

from abc import ABC, abstractmethod

from k8s.flows import Flow
from settings import Settings


class KubeConnectivity(ABC):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def proxy_args(self) -> list[str]:
        """The Auth Proxy's flags for the instance's address."""

    @abstractmethod
    def egress(self) -> list[Flow]:
        """Where the proxy connects to (the instance's side of the Auth Proxy, port 3307)."""
