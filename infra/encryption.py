"""Customer-managed encryption keys: which key encrypts what, and the grants that let each
Google service agent use its key (settings/encryption.py: `encryption.kms_key` / `keys`).

The keys are the key ring owner's; the stack only grants roles/cloudkms.cryptoKeyEncrypterDecrypter
on each key to the service agent that encrypts for the project, and makes each resource wait
for its grant (a create with a key its agent may not use fails). The agents, by Google's docs:

* Cloud SQL: service-N@gcp-sa-cloud-sql (https://cloud.google.com/sql/docs/postgres/cmek; it
  must exist first: `gcloud beta services identity create --service=sqladmin.googleapis.com`);
* Cloud Storage: the project's storage agent, read with google_storage_project_service_account
  (https://cloud.google.com/storage/docs/encryption/using-customer-managed-keys);
* Secret Manager: service-N@gcp-sa-secretmanager (https://cloud.google.com/secret-manager/docs/cmek;
  created by `gcloud beta services identity create --service=secretmanager.googleapis.com`);
* Artifact Registry: service-N@gcp-sa-artifactregistry
  (https://cloud.google.com/artifact-registry/docs/cmek);
* GKE boot disks: the Compute Engine agent service-N@compute-system
  (https://cloud.google.com/kubernetes-engine/docs/how-to/using-cmek);
* GKE application-layer secrets encryption: the GKE agent service-N@container-engine-robot
  (https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets).

google_project_service_identity, which would create the Cloud SQL and Secret Manager agents, is
in the google-beta provider only: docs/enterprise.md has the two commands, run once per project.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.data_google_storage_project_service_account import (
    DataGoogleStorageProjectServiceAccount,
)
from cdktf_cdktf_provider_google.kms_crypto_key_iam_member import KmsCryptoKeyIamMember
from constructs import Construct

from settings.encryption import AGENT_DOMAINS, KeyUse

ENCRYPTER_DECRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter"

# The API whose agent it is: the grant waits for it.
AGENT_APIS: dict[KeyUse, str] = {
    KeyUse.DATABASE: "sqladmin",
    KeyUse.BUCKET: "storage",
    KeyUse.SECRETS: "secretmanager",  # pragma: allowlist secret
    KeyUse.REGISTRY: "artifactregistry",
    KeyUse.DISKS: "compute",
    KeyUse.CLUSTER: "container",
}


class Encryption(Construct):
    """The key of each resource, and its agent's grant on it.

    Options:
      keys: the key of each use (settings.encryption, for the uses this environment has).
        Default: none (Google's default encryption; every `key` is None).
      project_id, project_number: whose agents (project_number: a reference). Required with keys.
      grant_service_agents: grant the agents here (else the key ring's owners do). Default: True.
      depends_on: each use's API, which creates its agent. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        keys: Mapping[KeyUse, str] | None = None,
        project_id: str = "",
        project_number: str = "",
        grant_service_agents: bool = True,
        depends_on: Mapping[KeyUse, Sequence[ITerraformDependable]] | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.keys = dict(keys or {})
        self.grants: dict[KeyUse, list[ITerraformDependable]] = {}
        if not grant_service_agents:
            return
        for use, key in sorted(self.keys.items()):
            deps = list((depends_on or {}).get(use, ()))
            if use is KeyUse.BUCKET:
                agent = DataGoogleStorageProjectServiceAccount(
                    self, "storage-agent", project=project_id, depends_on=deps or None
                ).email_address
            else:
                agent = f"service-{project_number}@{AGENT_DOMAINS[use]}"
            self.grants[use] = [
                KmsCryptoKeyIamMember(
                    self,
                    f"{use.value}-agent",
                    crypto_key_id=key,
                    role=ENCRYPTER_DECRYPTER,
                    member=f"serviceAccount:{agent}",
                    depends_on=deps or None,
                )
            ]

    def key(self, use: KeyUse) -> str | None:
        """The key that encrypts `use`, or None (Google's default encryption)."""
        return self.keys.get(use)

    def ready(self, use: KeyUse) -> list[ITerraformDependable]:
        """What a resource encrypted for `use` waits for: its agent's grant (or nothing)."""
        return list(self.grants.get(use, ()))
