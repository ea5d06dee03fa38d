"""How MLflow logs in to PostgreSQL: one object per way, chosen once from
`settings.modes.database_auth` (settings/modes.py) and handed to the Database construct, which
binds it to the instance (as AWS CDK's `Credentials.fromGeneratedSecret`).

A new way is one module here and one entry in DATABASE_AUTH.
"""

from __future__ import annotations

from infra.database_auth.base import DatabaseCredentials
from infra.database_auth.iam import IamLogin
from infra.database_auth.password import GeneratedPassword
from infra.secrets import SecretStore
from settings import Settings
from settings.modes import DatabaseAuth

DATABASE_AUTH: dict[DatabaseAuth, type[DatabaseCredentials]] = {
    DatabaseAuth.PASSWORD: GeneratedPassword,
    DatabaseAuth.IAM: IamLogin,
}


def credentials_for(settings: Settings, secrets: SecretStore) -> DatabaseCredentials:
    return DATABASE_AUTH[settings.modes.database_auth](settings, secrets)


__all__ = ["DATABASE_AUTH", "DatabaseCredentials", "credentials_for"]
