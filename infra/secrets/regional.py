"""Regional secrets: each secret and its versions stored in the deployment's region only
(https://cloud.google.com/secret-manager/docs/create-regional-secrets), so that an organization
whose constraints/gcp.resourceLocations refuses `global` can create them, and a regional CMEK
key can encrypt them ("The location of the CMEK key must be the same as the location of the
regional secret", https://cloud.google.com/secret-manager/regional-secrets/create-secret-cmek-encryption).
The GKE Secret Manager add-on mounts regional secrets by their
projects/P/locations/L/secrets/S/versions/V name (k8s/secrets/regional.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.secret_manager_regional_secret import (
    SecretManagerRegionalSecret,
    SecretManagerRegionalSecretCustomerManagedEncryption,
)
from cdktf_cdktf_provider_google.secret_manager_regional_secret_iam_member import (
    SecretManagerRegionalSecretIamMember,
)
from cdktf_cdktf_provider_google.secret_manager_regional_secret_version import (
    SecretManagerRegionalSecretVersion,
)
from constructs import Construct

from infra.secrets.base import SECRET_ACCESSOR, SecretStore, StoredSecret


class RegionalSecret(StoredSecret):
    def __init__(
        self, scope: Construct, secret: SecretManagerRegionalSecret, accessor_id: str
    ) -> None:
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
    ) -> SecretManagerRegionalSecretVersion:
        return SecretManagerRegionalSecretVersion(
            self.scope,
            id,
            secret=self.secret.id,
            secret_data=data,
            deletion_policy=deletion_policy,
            lifecycle=lifecycle,
        )

    def grant_access(
        self, member: str, *, suffix: str = "", depends_on: Sequence[ITerraformDependable] = ()
    ) -> SecretManagerRegionalSecretIamMember:
        return SecretManagerRegionalSecretIamMember(
            self.scope,
            f"{self.accessor_id}{suffix}",
            secret_id=self.secret.secret_id,
            location=self.secret.location,
            project=self.secret.project,
            role=SECRET_ACCESSOR,
            member=member,
            depends_on=list(depends_on) or None,
        )


class RegionalSecrets(SecretStore):
    supports_cmek = True

    def create(
        self,
        scope: Construct,
        id: str,
        *,
        secret_id: str,
        accessor_id: str,
        deletion_protection: bool = True,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> RegionalSecret:
        secret = SecretManagerRegionalSecret(
            scope,
            id,
            secret_id=secret_id,
            location=self.settings.region,
            customer_managed_encryption=(
                SecretManagerRegionalSecretCustomerManagedEncryption(kms_key_name=self.kms_key)
                if self.kms_key
                else None
            ),
            deletion_protection=deletion_protection,
            depends_on=[*depends_on, *self.key_ready] or None,
        )
        return RegionalSecret(scope, secret, accessor_id)
