"""Workload Identity Federation for a Kubernetes cluster outside Google Cloud: no key.

The cluster signs its service-account tokens (OIDC); a workload identity pool trusts that issuer
through a provider that holds the cluster's public keys (JWKS, uploaded, so the issuer need not
be reachable from the internet). The pod presents a projected token to Google's STS and then
impersonates the workload service account, so every grant on the bucket, the database and the
secret applies unchanged.
https://cloud.google.com/iam/docs/workload-identity-federation-with-kubernetes
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.iam_workload_identity_pool import IamWorkloadIdentityPool
from cdktf_cdktf_provider_google.iam_workload_identity_pool_provider import (
    IamWorkloadIdentityPoolProvider,
    IamWorkloadIdentityPoolProviderOidc,
)
from constructs import Construct

from infra.identity import ServiceAccount


class KubernetesFederation(Construct):
    """A pool with one OIDC provider for a cluster's service-account issuer.

    Options:
      pool_id, provider_id: 4-32 characters each. Required.
      issuer_uri: the cluster's token issuer (`issuer` of
        `kubectl get --raw /.well-known/openid-configuration`). Required.
      subject: the one Kubernetes service account that may exchange tokens,
        `system:serviceaccount:<namespace>:<name>`. Required.
      jwks_json: the cluster's public keys; None makes Google fetch them from the issuer, which
        must then be public. Default: None.
      depends_on: resources to create first (the IAM and STS APIs). Default: none.
    The provider's attribute condition admits that subject only: another service account of the
    same cluster gets no token, even if someone grants its principal a role.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        pool_id: str,
        provider_id: str,
        issuer_uri: str,
        subject: str,
        jwks_json: str | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if not subject.startswith("system:serviceaccount:") or subject.count(":") != 3:
            raise ValueError(
                f"subject {subject!r} must be system:serviceaccount:<namespace>:<name>"
            )
        self.subject = subject
        self.pool = IamWorkloadIdentityPool(
            self,
            "pool",
            workload_identity_pool_id=pool_id,
            display_name=pool_id,
            description="Kubernetes cluster outside Google Cloud (MLflow local profile)",
            depends_on=list(depends_on) or None,
        )
        self.provider = IamWorkloadIdentityPoolProvider(
            self,
            "provider",
            workload_identity_pool_id=self.pool.workload_identity_pool_id,
            workload_identity_pool_provider_id=provider_id,
            display_name=provider_id,
            attribute_mapping={
                "google.subject": "assertion.sub",
                "attribute.namespace": "assertion['kubernetes.io']['namespace']",
                "attribute.service_account_name": (
                    "assertion['kubernetes.io']['serviceaccount']['name']"
                ),
            },
            attribute_condition=f'assertion.sub == "{subject}"',
            # No allowed_audiences: the token's audience must then be this provider's own
            # resource name, which is what the pod's projected token asks for.
            oidc=IamWorkloadIdentityPoolProviderOidc(issuer_uri=issuer_uri, jwks_json=jwks_json),
        )
        # projects/<number>/locations/global/workloadIdentityPools/<pool>: numbered by Google.
        self.principal = f"principal://iam.googleapis.com/{self.pool.name}/subject/{subject}"

    def allow_impersonation(self, account: ServiceAccount) -> None:
        """The cluster's service account may act as `account` (roles/iam.workloadIdentityUser)."""
        account.grant_workload_identity_user(
            self.principal, id="federation-workload-identity-user", depends_on=[self.provider]
        )
