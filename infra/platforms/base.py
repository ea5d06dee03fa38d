"""What the stack asks of a platform: the pieces that differ from one cluster to another."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from cdktf import ITerraformDependable, TerraformOutput, TerraformStack
from constructs import Construct

from infra.apis import RequiredApis
from infra.encryption import Encryption
from infra.identity import ServiceAccount
from infra.monitoring import Monitoring
from infra.project import ProjectFacts
from infra.registry import ImageRepository
from settings import Settings, Target

T = TypeVar("T", bound=Target)


@dataclass(frozen=True)
class Vpc:
    """The VPC the cluster's pods run in, which the database and the edge attach to.

    network: the VPC's id or self link (a Terraform reference or a path).
    name, project: the VPC's name and project (a shared VPC's host).
    scope: where attachments to it live in the construct tree: beside it, inside the construct
      that creates it, or at the top of the stack for a VPC of the team's.
    resource: the network, when this stack creates it; attachments then wait for it (it
      waited for the APIs), otherwise for the APIs themselves.
    subnetwork: the cluster's subnet (id), when this stack creates it; None: the team's.
    """

    network: str
    name: str
    project: str
    scope: Construct
    resource: ITerraformDependable | None = None
    subnetwork: str | None = None


@dataclass(frozen=True)
class PodReader:
    """A second principal the pods read their secrets as (the Secret Manager add-on mounts
    them with the Kubernetes service account's own identity), and what must exist first."""

    member: str
    depends_on: Sequence[ITerraformDependable] = field(default_factory=list)


class InfraPlatform(ABC, Generic[T]):
    """One cluster type, for one kind of `settings.target`. The stack creates it once, from
    `infra.platforms.PLATFORMS`, which is keyed by the target's class: `target` is always the
    class this platform is written for."""

    #: APIs this platform needs beyond infra.apis.CORE_APIS.
    apis: tuple[str, ...] = ()

    def __init__(
        self,
        stack: TerraformStack,
        settings: Settings,
        target: T,
        apis: RequiredApis,
        project: ProjectFacts,
        encryption: Encryption,
    ) -> None:
        self.stack = stack
        self.encryption = encryption  # the CMEK keys, for the cluster this platform creates
        self.settings = settings
        self.target = target
        self.names = settings.names
        self.required = apis
        self.project = project

    @abstractmethod
    def build_network(self) -> Vpc | None:
        """Create (or find) the VPC the pods run in; None outside Google Cloud. Called first."""

    @abstractmethod
    def connect_workload(
        self, *, workload: ServiceAccount, registry: ImageRepository
    ) -> PodReader | None:
        """Let the cluster's pods act as the workload service account and pull its image;
        returns the second principal that reads the pods' secrets, if the cluster has one."""

    @property
    def metrics_project(self) -> str | None:
        """The project whose Cloud Monitoring sees the cluster's pods and its load balancer
        (None: outside Google Cloud, nothing to watch)."""
        return None

    def output(self, name: str, value: str, description: str, *, sensitive: bool = False) -> None:
        TerraformOutput(
            self.stack, name, value=value, description=description, sensitive=sensitive or None
        )

    def watch(self, monitoring: Monitoring) -> None:
        """Alerts and charts for the cluster's pods. Default: none."""

    def add_outputs(self) -> None:
        """Outputs a human needs after deploy, beyond the stack's common ones."""
