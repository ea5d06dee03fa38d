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

from cdktf import ITerraformDependable
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

from infra.secrets.base import ManagedSecret, SecretStore


class RegionalSecret(ManagedSecret):
    version_class = SecretManagerRegionalSecretVersion
    grant_class = SecretManagerRegionalSecretIamMember

    def grant_target(self) -> dict[str, str]:
        return {
            "secret_id": self.secret.secret_id,
            "location": self.secret.location,
            "project": self.secret.project,
        }


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
