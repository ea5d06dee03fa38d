"""Global secrets: Secret Manager replicates each one automatically (the default).

Automatic replication "can only be created if resource creation in global is allowed"
(https://cloud.google.com/secret-manager/docs/choosing-replication): an organization whose
resource-locations policy refuses global needs another location.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
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

from infra.secrets.base import ManagedSecret, SecretStore


class GlobalSecret(ManagedSecret):
    version_class = SecretManagerSecretVersion
    grant_class = SecretManagerSecretIamMember

    def grant_target(self) -> dict[str, str]:
        return {"secret_id": self.secret.id}


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
