"""IAM database authentication: MLflow logs in as the workload's service account, whose Cloud
SQL user (CLOUD_IAM_SERVICE_ACCOUNT, roles/cloudsql.instanceUser) the stack creates in every
mode; the Auth Proxy's `--auto-iam-authn` sends the pods' own OAuth token as the login
(https://cloud.google.com/sql/docs/postgres/iam-logins). No password, no secret, nothing in
Terraform state to steal.

MLflow's tables belong to the NOLOGIN role `names.db_owner_role`, of which the IAM user is a
member; `db upgrade` hands them over while the password login still exists (docs/enterprise.md:
No database password). Switching from password mode destroys the password, its secret and the
Terraform record of the built-in user, which is abandoned in the instance (its objects were
reassigned: `gcloud sql users delete` removes it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from infra.database_auth.base import DatabaseCredentials
from infra.secrets import StoredSecret

if TYPE_CHECKING:
    from infra.database import Database


class IamLogin(DatabaseCredentials):
    """The workload's IAM database user; nothing to create beyond what the stack grants it."""

    def bind(self, database: Database) -> None:
        # The user and its grants (roles/cloudsql.client, roles/cloudsql.instanceUser) are the
        # stack's in both modes: password mode's handover needs the IAM user to exist.
        return None

    @property
    def pod_secrets(self) -> list[StoredSecret]:
        return []
