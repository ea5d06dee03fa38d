"""What the stack asks of the place Secret Manager keeps the deployment's secrets."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from constructs import Construct

from settings import Settings

SECRET_ACCESSOR = "roles/secretmanager.secretAccessor"  # noqa: S105 - a role  # pragma: allowlist secret


class StoredSecret(ABC):
    """One secret: its versions and who may read it, all in the construct that owns it.

    `id` and `secret_id` are Terraform references (the secret's resource id and its short id).
    """

    id: str
    secret_id: str

    @abstractmethod
    def add_version(
        self,
        id: str,
        *,
        data: str,
        deletion_policy: str | None = None,
        lifecycle: TerraformResourceLifecycle | None = None,
    ) -> object:
        """A version holding `data` (Terraform state and Secret Manager are its only copies)."""

    @abstractmethod
    def grant_access(
        self, member: str, *, suffix: str = "", depends_on: Sequence[ITerraformDependable] = ()
    ) -> object:
        """Let `member` read the secret (roles/secretmanager.secretAccessor on it alone).

        suffix: added to the grant's construct id, one per member kind (`-ksa`).
        depends_on: what must exist first, e.g. the cluster whose Workload Identity pool a
          Kubernetes principal belongs to.
        """


class ManagedSecret(StoredSecret):
    """What a global and a regional secret share: a version of it and a grant on it are the
    provider's resources of the secret's kind (`version_class`, `grant_class`); a grant names the
    secret as its kind does (`grant_target`)."""

    version_class: ClassVar[type[Any]]
    grant_class: ClassVar[type[Any]]

    def __init__(self, scope: Construct, secret: Any, accessor_id: str) -> None:
        self.scope, self.secret, self.accessor_id = scope, secret, accessor_id
        self.id = secret.id
        self.secret_id = secret.secret_id

    @abstractmethod
    def grant_target(self) -> dict[str, str]:
        """The grant resource's arguments that name this secret."""

    def add_version(
        self,
        id: str,
        *,
        data: str,
        deletion_policy: str | None = None,
        lifecycle: TerraformResourceLifecycle | None = None,
    ) -> Any:
        return self.version_class(
            self.scope,
            id,
            secret=self.secret.id,
            secret_data=data,
            deletion_policy=deletion_policy,
            lifecycle=lifecycle,
        )

    def grant_access(
        self, member: str, *, suffix: str = "", depends_on: Sequence[ITerraformDependable] = ()
    ) -> Any:
        return self.grant_class(
            self.scope,
            f"{self.accessor_id}{suffix}",
            **self.grant_target(),
            role=SECRET_ACCESSOR,
            member=member,
            depends_on=list(depends_on) or None,
        )


class SecretStore(ABC):
    """Creates secrets where the deployment keeps them (settings.modes.secret_location)."""

    #: APIs beyond infra.apis.CORE_APIS (which has Secret Manager).
    apis: tuple[str, ...] = ()

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.kms_key: str | None = None
        self.key_ready: list[ITerraformDependable] = []

    def encrypt_with(self, kms_key: str | None, ready: Sequence[ITerraformDependable]) -> None:
        """Encrypt the secrets created from now on with `kms_key` (CMEK), once `ready` (the
        Secret Manager agent's grant on it) exists. None: Google's default encryption."""
        if kms_key and not self.supports_cmek:
            raise ValueError(
                f"{type(self).__name__} cannot take a regional key (settings refuse it)"
            )
        self.kms_key, self.key_ready = kms_key, list(ready)

    #: Whether a regional CMEK key can encrypt these secrets.
    supports_cmek: bool = False

    @abstractmethod
    def create(
        self,
        scope: Construct,
        id: str,
        *,
        secret_id: str,
        accessor_id: str,
        deletion_protection: bool = True,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> StoredSecret:
        """A secret `secret_id` under `scope` (construct `id`); its grants are `accessor_id`
        plus a suffix, under the same scope."""
