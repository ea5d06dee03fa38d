"""What the stack asks of the way users reach the server: the edge's Google Cloud side."""

from __future__ import annotations

from abc import ABC, abstractmethod

from cdktf import TerraformOutput, TerraformStack

from infra.apis import RequiredApis
from infra.identity import ServiceAccount
from infra.monitoring import Monitoring
from settings import Settings


class InfraEdge(ABC):
    """One edge, chosen once from `settings.modes.edge`."""

    #: APIs this edge needs beyond infra.apis.CORE_APIS.
    apis: tuple[str, ...] = ()
    #: Whether a cluster the project creates needs the Gateway API (gateway_api_config).
    gateway_api: bool = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.names = settings.names

    @abstractmethod
    def build(self, stack: TerraformStack, *, project: str, apis: RequiredApis) -> None:
        """What must exist before the edge's Kubernetes objects, in `project` (the cluster's:
        its controller builds the load balancer there)."""

    def admit_workload(self, workload: ServiceAccount) -> None:  # noqa: B027 - optional hook
        """What the server's own identity needs from the edge (after build). Default: none."""

    def watch(self, monitoring: Monitoring) -> None:  # noqa: B027 - optional hook
        """Alerts and charts for the edge. Default: none."""

    def add_outputs(self, stack: TerraformStack) -> None:  # noqa: B027 - optional hook
        """Outputs a human needs after deploy (the address to point DNS at). Default: none."""

    @staticmethod
    def output(stack: TerraformStack, name: str, value: str, description: str) -> None:
        TerraformOutput(stack, name, value=value, description=description)
