"""The generated password (infra/database_auth/password.py): a file in the secrets volume,
which the image's entry point reads and puts into the backend URI."""

from __future__ import annotations

from k8s.database_auth.base import KubeDatabaseAuth
from k8s.pod_secrets import SecretFile
from settings import contract


class PasswordFile(KubeDatabaseAuth):
    def config(self) -> dict[str, str]:
        return {
            contract.DB_USER_ENV: self.names.db_user,
            contract.DB_PASSWORD_FILE_ENV: f"{contract.SECRETS_DIR}/{contract.PASSWORD_FILE}",
            # The handover to IAM database authentication (docs/enterprise.md): `db upgrade`
            # gives MLflow's tables to this role and makes the IAM user a member.
            contract.DB_OWNER_ROLE_ENV: self.names.db_owner_role,
            contract.DB_IAM_USER_ENV: self.names.db_iam_user,
        }

    def secret_files(self) -> list[SecretFile]:
        return [
            SecretFile(
                resource=self.secrets.latest_version(self.names.db_password_secret),
                key=contract.LOCAL_PASSWORD_KEY,
                path=contract.PASSWORD_FILE,
            )
        ]
