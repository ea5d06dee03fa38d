"""What the stack asks of the way the Auth Proxy reaches the Cloud SQL instance."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from cdktf import ITerraformDependable, TerraformOutput, TerraformStack

from infra.apis import RequiredApis
from infra.database import Database
from infra.platforms import Vpc
from settings import Settings


@dataclass(frozen=True)
class DatabaseNetwork:
    """Where the Cloud SQL instance gets its address.

    private_network: the VPC (id or self link) for a private IP; None: no private IP.
    allocated_ip_range: the private services access range to draw the IP from.
    psc_consumer_projects: the projects allowed to connect through Private Service Connect
      (none: no PSC).
    depends_on: what must exist before the instance (the peering connection).
    """

    private_network: str | None = None
    allocated_ip_range: str | None = None
    psc_consumer_projects: tuple[str, ...] = ()
    depends_on: list[ITerraformDependable] = field(default_factory=list)


class InfraConnectivity(ABC):
    """One way in to the instance, chosen once from `settings.modes.database_connectivity`."""

    #: APIs this way needs beyond infra.apis.CORE_APIS.
    apis: tuple[str, ...] = ()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @abstractmethod
    def attach(self, stack: TerraformStack, vpc: Vpc | None, apis: RequiredApis) -> DatabaseNetwork:
        """Create (or check) what the instance needs in the pods' VPC (None: no VPC), before
        the instance."""

    def connect(self, stack: TerraformStack, database: Database, apis: RequiredApis) -> None:  # noqa: B027 - optional hook
        """What the VPC needs once the instance exists (a PSC endpoint). Default: nothing."""

    @abstractmethod
    def add_outputs(self, stack: TerraformStack, database: Database) -> None:
        """The instance's address a human needs after deploy."""

    @staticmethod
    def output(stack: TerraformStack, name: str, value: str, description: str) -> None:
        TerraformOutput(stack, name, value=value, description=description)
