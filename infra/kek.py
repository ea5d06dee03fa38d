"""The passphrase MLflow encrypts users' stored secrets with (AI gateway API keys), in Secret
Manager.

MLflow wraps each stored secret's data key with a key (KEK) derived from
MLFLOW_CRYPTO_KEK_PASSPHRASE and MLFLOW_CRYPTO_KEK_VERSION; without them it uses a passphrase
built into MLflow, so anyone with a copy of the database could read the secrets. Terraform
generates one passphrase per version (random provider): it exists only in Terraform state and
Secret Manager. The secret's payload is one JSON document, so that a pod always reads a version
and its passphrase together:

    {"version": N, "passphrase": "...", "previous": [{"version": N-1, "passphrase": "..."}]}

The previous version's passphrase stays in it, so that the server image's `db-migrate` step can
re-wrap every secret still under it (mlflow_server/entrypoint/, mlflow_entrypoint/rewrap.py):
raising the version loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import Fn, ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_random.password import Password
from constructs import Construct

from infra.secrets import SecretStore, StoredSecret
from settings import contract

# Letters and digits only: the passphrase passes through JSON, an environment variable and
# PBKDF2 unchanged. 64 of 62 symbols: ~380 bits (MLflow asks for "32+ characters").
PASSPHRASE_LENGTH = 64


class KekPassphrase(Construct):
    """A Secret Manager secret holding the KEK passphrase of `version` (and of `version - 1`).

    Options:
      secret_id: the Secret Manager id. Required.
      secrets: where Secret Manager keeps it (infra/secrets/). Required.
      version: the KEK version, from 1. A new version gets a new passphrase; the previous one
        stays in the payload (one rotation back), older ones are dropped. Required.
      deletion_protection: refuse to delete the secret. Default: True.
      depends_on: resources to create first (the Secret Manager API). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        secret_id: str,
        secrets: SecretStore,
        version: int,
        deletion_protection: bool = True,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if version < 1:
            raise ValueError(f"version {version} must be 1 or more (MLflow's KEK versions)")
        self.version = version
        # Keyed by version, so that raising it keeps the previous passphrase in state.
        self.passphrases = {
            v: Password(self, f"passphrase-v{v}", length=PASSPHRASE_LENGTH, special=False)
            for v in (version - 1, version)
            if v >= 1
        }
        version_key, passphrase_key = contract.KEK_VERSION_KEY, contract.KEK_PASSPHRASE_KEY
        payload = {
            version_key: version,
            passphrase_key: self.passphrases[version].result,
            contract.KEK_PREVIOUS_KEY: [
                {version_key: v, passphrase_key: p.result}
                for v, p in self.passphrases.items()
                if v != version
            ],
        }
        self.secret: StoredSecret = secrets.create(
            self,
            "secret",
            secret_id=secret_id,
            accessor_id="accessor",
            deletion_protection=deletion_protection,
            depends_on=depends_on,
        )
        self.secret_version = self.secret.add_version(
            "secret-version",
            data=Fn.jsonencode(payload),
            # A replaced version is disabled, not destroyed: an operator can still enable it to
            # open a database backup from before more than one rotation. The new version exists
            # before the old one goes, so a pod starting meanwhile always finds one.
            deletion_policy="DISABLE",
            lifecycle=TerraformResourceLifecycle(create_before_destroy=True),
        )
        # Who may read it: `secret.grant_access(member)` (infra/secrets/).
        self.id = self.secret.id
        self.secret_id = self.secret.secret_id
