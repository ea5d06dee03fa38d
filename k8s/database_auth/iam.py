"""IAM database authentication (infra/database_auth/iam.py): the Auth Proxy logs in as the pod's
service account (`--auto-iam-authn`), and the image's entry point builds a URI without a
password: no password file, no secret volume entry for it."""

from __future__ import annotations

from k8s.database_auth.base import KubeDatabaseAuth
from k8s.pod_secrets import SecretFile
from settings import contract


class IamLogin(KubeDatabaseAuth):
    def config(self) -> dict[str, str]:
        return {
            contract.DB_USER_ENV: self.names.db_iam_user,
            contract.DB_OWNER_ROLE_ENV: self.names.db_owner_role,
            # An earlier password deployment's login: the bootstrap (ops/db_bootstrap.py) gives
            # what it owns to the owner role, when it exists.
            contract.DB_BUILTIN_USER_ENV: self.names.db_user,
        }

    def secret_files(self) -> list[SecretFile]:
        return []

    def proxy_args(self) -> list[str]:
        # https://cloud.google.com/sql/docs/postgres/iam-logins ("Log in with automatic IAM
        # database authentication": the account that starts the proxy is the one that logs in).
        return ["--auto-iam-authn"]
