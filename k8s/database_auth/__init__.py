"""How MLflow logs in to PostgreSQL, as the pods see it: one object per way, chosen once from
`settings.modes.database_auth` (settings/modes.py; infra/database_auth/ sets the login up).

A new way is one module here and one entry in DATABASE_AUTH.
"""

from __future__ import annotations

from k8s.database_auth.base import KubeDatabaseAuth
from k8s.database_auth.iam import IamLogin
from k8s.database_auth.password import PasswordFile
from k8s.secrets import KubeSecretLocation
from settings import Settings
from settings.modes import DatabaseAuth

DATABASE_AUTH: dict[DatabaseAuth, type[KubeDatabaseAuth]] = {
    DatabaseAuth.PASSWORD: PasswordFile,
    DatabaseAuth.IAM: IamLogin,
}


def database_auth_for(settings: Settings, secrets: KubeSecretLocation) -> KubeDatabaseAuth:
    return DATABASE_AUTH[settings.modes.database_auth](settings, secrets)


__all__ = ["DATABASE_AUTH", "KubeDatabaseAuth", "database_auth_for"]
