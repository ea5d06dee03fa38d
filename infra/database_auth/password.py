"""A password Terraform generates (random provider), sets on Cloud SQL's built-in user and keeps
in a Secret Manager secret, which the pods mount as a file. It exists only in Terraform state
and Secret Manager, never in config, code or synthesized output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdktf import TerraformOutput, TerraformStack
from cdktf_cdktf_provider_google.sql_user import SqlUser
from cdktf_cdktf_provider_random.password import Password

from infra.database_auth.base import DatabaseCredentials
from infra.secrets import StoredSecret

if TYPE_CHECKING:
    from infra.database import Database

# Characters that need no quoting in a URL, a shell or a libpq connection string: a 32-char
# password over 66 symbols still carries ~190 bits.
URL_SAFE_SYMBOLS = "-_.~"


class GeneratedPassword(DatabaseCredentials):
    """The built-in user `database.user` with a generated password in the secret
    `names.db_password_secret`."""

    secret: StoredSecret

    def bind(self, database: Database) -> None:
        names = self.settings.names
        self.password = Password(
            database,
            "password",
            length=32,
            special=True,
            override_special=URL_SAFE_SYMBOLS,
            min_lower=2,
            min_upper=2,
            min_numeric=2,
        )
        self.secret = self.secrets.create(
            database,
            "password-secret",
            secret_id=names.db_password_secret,
            accessor_id="password-accessor",
            # Not protected: Terraform state holds the password, so an apply re-creates a lost
            # secret, and switching to database.auth: iam must be able to delete it.
            deletion_protection=False,
            depends_on=database.depends_on,
        )
        self.secret.add_version("password-version", data=self.password.result)
        self.user = SqlUser(
            database,
            "user",
            name=names.db_user,
            instance=database.instance.name,
            password=self.password.result,
            # The user owns MLflow's tables: PostgreSQL refuses to drop it while they exist.
            deletion_policy="ABANDON",
        )

    @property
    def pod_secrets(self) -> list[StoredSecret]:
        return [self.secret]

    def add_outputs(self, stack: TerraformStack) -> None:
        TerraformOutput(
            stack,
            "db_password_secret_id",
            value=self.secret.id,
            description="Secret Manager secret",
        )
