"""Global secrets: Secret Manager replicates each one automatically (the default).

Automatic replication "can only be created if resource creation in global is allowed"
(https://cloud.google.com/secret-manager/docs/choosing-replication): an organization whose
resource-locations policy refuses global needs another location.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.secret_manager_secret import (
    SecretManagerSecret,
    SecretManagerSecretReplication,
    SecretManagerSecretReplicationAuto,
)
from cdktf_cdktf_provider_google.secret_manager_secret_iam_member import (
    SecretManagerSecretIamMember,
)
from cdktf_cdktf_provider_google.secret_manager_secret_version import SecretManagerSecretVersion
from constructs import Construct

from infra.secrets.base import SECRET_ACCESSOR, SecretStore, StoredSecret


class GlobalSecret(StoredSecret):
    def __init__(self, scope: Construct, secret: SecretManagerSecret, accessor_id: str) -> None:
        self.scope, self.secret, self.accessor_id = scope, secret, accessor_id
        self.id = secret.id
        self.secret_id = secret.secret_id

    def add_version(
        self,
        id: str,
        *,
        data: str,
        deletion_policy: str | None = None,
        lifecycle: TerraformResourceLifecycle | None = None,
    ) -> SecretManagerSecretVersion:
        return SecretManagerSecretVersion(
            self.scope,
            id,
            secret=self.secret.id,
            secret_data=data,
            deletion_policy=deletion_policy,
            lifecycle=lifecycle,
        )

    def grant_access(
        self, member: str, *, suffix: str = "", depends_on: Sequence[ITerraformDependable] = ()
    ) -> SecretManagerSecretIamMember:
        return SecretManagerSecretIamMember(
            self.scope,
            f"{self.accessor_id}{suffix}",
            secret_id=self.secret.id,
            role=SECRET_ACCESSOR,
            member=member,
            depends_on=list(depends_on) or None,
        )


class GlobalSecrets(SecretStore):
    def create(
        self,
        scope: Construct,
        id: str,
        *,
        secret_id: str,
        accessor_id: str,
        deletion_protection: bool = True,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> GlobalSecret:
        secret = SecretManagerSecret(
            scope,
            id,
            secret_id=secret_id,
            replication=SecretManagerSecretReplication(auto=SecretManagerSecretReplicationAuto()),
            deletion_protection=deletion_protection,
            depends_on=list(depends_on) or None,
        )
        return GlobalSecret(scope, secret, accessor_id)
