"""Google service accounts: one for the MLflow workload, one for the GKE nodes.

Access to a resource is granted by that resource's construct (`bucket.grant_object_user`,
`database.grant_client`, ...). The only project-level roles here are the ones Google offers at
no narrower scope, and a guard refuses basic and admin roles at that level.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.project_iam_member import (
    ProjectIamMember,
    ProjectIamMemberCondition,
)
from cdktf_cdktf_provider_google.service_account import ServiceAccount as GoogleServiceAccount
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from cdktf_cdktf_provider_google.service_account_key import ServiceAccountKey
from constructs import Construct

BASIC_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})


def check_project_role(role: str) -> str:
    """Refuse a project-wide role that is basic or administrative (least privilege)."""
    if role in BASIC_ROLES or "admin" in role.lower():
        raise ValueError(
            f"project-level role {role!r} is refused: no basic or admin role project-wide; "
            "grant a narrower role on the resource itself (a grant_* method)"
        )
    if not role.startswith("roles/"):
        raise ValueError(f"role {role!r} must be a predefined role (roles/...)")
    return role


class ServiceAccount(Construct):
    """A Google service account with no roles of its own.

    Options:
      account_id: the id before `@<project>.iam.gserviceaccount.com`. Required.
      display_name: shown in the console. Required.
      description: what uses it. Default: "".
      depends_on: resources to create first (the IAM API). Default: none.
      iam_depends_on: what its project-level grants wait for (the Cloud Resource Manager API).
        Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        account_id: str,
        display_name: str,
        description: str = "",
        depends_on: Sequence[ITerraformDependable] = (),
        iam_depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        self._iam_depends_on = list(iam_depends_on)
        self.account = GoogleServiceAccount(
            self,
            "account",
            account_id=account_id,
            display_name=display_name,
            description=description or None,
            depends_on=list(depends_on) or None,
        )
        self.email = self.account.email
        self.member = self.account.member  # "serviceAccount:<email>"
        self.name = self.account.name

    def grant_project_role(
        self, role: str, *, id: str, condition: ProjectIamMemberCondition | None = None
    ) -> ProjectIamMember:
        """A project-level role for this account; basic and admin roles are refused."""
        return ProjectIamMember(
            self,
            id,
            project=self.account.project,
            role=check_project_role(role),
            member=self.member,
            condition=condition,
            depends_on=self._iam_depends_on or None,
        )

    def grant_workload_identity_user(
        self,
        member: str,
        *,
        id: str = "workload-identity-user",
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> ServiceAccountIamMember:
        """Let `member` (a Kubernetes service account's principal) act as this account.

        roles/iam.workloadIdentityUser on this account only: Workload Identity Federation for
        GKE with service-account impersonation, no key anywhere. Pass the cluster in
        depends_on: IAM refuses the member ("Identity Pool does not exist") until a cluster
        has created the project's `<project>.svc.id.goog` pool.
        """
        return ServiceAccountIamMember(
            self,
            id,
            service_account_id=self.account.name,
            role="roles/iam.workloadIdentityUser",
            member=member,
            depends_on=list(depends_on) or None,
        )

    def create_key(self, *, id: str = "key") -> ServiceAccountKey:
        """A Google-managed key pair; the private key exists only in Terraform state.

        For clusters outside Google Cloud only (no Workload Identity there). Rotate by
        replacing the resource (`terraform apply -replace=...`).
        """
        return ServiceAccountKey(self, id, service_account_id=self.account.name)


class NodeServiceAccount(ServiceAccount):
    """The GKE nodes' identity instead of the Compute Engine default (which has Editor).

    roles/container.defaultNodeServiceAccount (logs, metrics, node metadata) exists only at
    project level. Image pulls are granted by the registry (`registry.grant_reader`).
    """

    NODE_ROLE = "roles/container.defaultNodeServiceAccount"

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        account_id: str,
        depends_on: Sequence[ITerraformDependable] = (),
        iam_depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(
            scope,
            id,
            account_id=account_id,
            display_name="MLflow GKE nodes",
            description="Least-privilege identity of the GKE nodes (not the workload)",
            depends_on=depends_on,
            iam_depends_on=iam_depends_on,
        )
        self.node_role = self.grant_project_role(self.NODE_ROLE, id="default-node-role")
