"""What the stack asks of a platform: the pieces that differ from one cluster to another."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from cdktf import ITerraformDependable, TerraformOutput, TerraformStack

from infra.apis import RequiredApis
from infra.database import Database
from infra.identity import ServiceAccount
from infra.kek import KekPassphrase
from infra.monitoring import Monitoring
from infra.project import ProjectFacts
from infra.registry import ImageRepository
from settings import Settings


@dataclass(frozen=True)
class DatabaseNetwork:
    """Where the Cloud SQL instance gets its address.

    private_network: the VPC (id or self link) for a private IP; None: public IP only.
    allocated_ip_range: the private services access range to draw the IP from.
    depends_on: what must exist before the instance (the peering connection).
    """

    private_network: str | None = None
    allocated_ip_range: str | None = None
    depends_on: list[ITerraformDependable] = field(default_factory=list)


class InfraPlatform(ABC):
    """One cluster type. The stack creates it once, from `infra.platforms.PLATFORMS`."""

    #: APIs this platform needs beyond infra.apis.CORE_APIS.
    apis: tuple[str, ...] = ()

    def __init__(
        self,
        stack: TerraformStack,
        settings: Settings,
        apis: RequiredApis,
        project: ProjectFacts,
    ) -> None:
        self.stack = stack
        self.settings = settings
        self.names = settings.names
        self.required = apis
        self.project = project

    @abstractmethod
    def database_network(self) -> DatabaseNetwork:
        """Create (or find) the network the instance joins; called before the database."""

    @abstractmethod
    def connect_workload(
        self,
        *,
        workload: ServiceAccount,
        registry: ImageRepository,
        database: Database,
        kek: KekPassphrase,
    ) -> None:
        """Let the cluster's pods act as the workload service account, pull its image and
        mount its secrets (the database password, the KEK passphrase)."""

    def output(self, name: str, value: str, description: str, *, sensitive: bool = False) -> None:
        TerraformOutput(
            self.stack, name, value=value, description=description, sensitive=sensitive or None
        )

    def add_monitoring(self, monitoring: Monitoring) -> None:  # noqa: B027 - optional hook
        """Alerts and charts for what only this platform has (an ingress, its pods' metrics).
        Default: none (the stack watches Cloud SQL on every platform)."""

    def add_outputs(self, database: Database) -> None:  # noqa: B027 - optional hook
        """Outputs a human needs after deploy, beyond the stack's common ones."""
