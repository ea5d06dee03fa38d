"""What the stack asks of the way MLflow logs in to PostgreSQL."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from cdktf import TerraformStack

from infra.secrets import SecretStore, StoredSecret
from settings import Settings

if TYPE_CHECKING:
    from infra.database import Database


class DatabaseCredentials(ABC):
    """MLflow's login to the instance. The Database construct calls `bind` once, after it
    created the instance and its database; the user and any secret live inside it."""

    def __init__(self, settings: Settings, secrets: SecretStore) -> None:
        self.settings = settings
        self.secrets = secrets

    @abstractmethod
    def bind(self, database: Database) -> None:
        """Create the login user (and what it logs in with) in `database`'s scope."""

    @property
    @abstractmethod
    def pod_secrets(self) -> list[StoredSecret]:
        """The secrets the pods mount to log in (each pod identity is granted read on them)."""

    def add_outputs(self, stack: TerraformStack) -> None:  # noqa: B027 - optional hook
        """Outputs a human needs after deploy. Default: none."""
