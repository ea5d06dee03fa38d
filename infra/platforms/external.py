"""A Kubernetes cluster outside Google Cloud (docker-desktop, kind): no VPC, no node identity.

The pods are the workload service account through Workload Identity Federation (keyless, the
default) or, as an explicit opt-in, through an exported key. The database is reached on its
public IP (infra/connectivity/public_ip.py).
"""

from __future__ import annotations

from infra.apis import FEDERATION_APIS
from infra.federation import KubernetesFederation
from infra.identity import ServiceAccount
from infra.platforms.base import InfraPlatform
from infra.registry import ImageRepository
from settings import ExternalCluster, contract


class ExternalPlatform(InfraPlatform[ExternalCluster]):
    apis = FEDERATION_APIS

    def build_network(self) -> None:
        return None  # no VPC: the cluster is outside Google Cloud

    def connect_workload(self, *, workload: ServiceAccount, registry: ImageRepository) -> None:
        # `make secrets` reads the pods' secrets with the operator's own credentials.
        local, names = self.target.local, self.names
        if local.oidc_issuer is not None:  # workload_identity_federation (settings/local.py)
            federation = KubernetesFederation(
                self.stack,
                "federation",
                pool_id=names.federation_pool,
                provider_id=names.federation_provider,
                issuer_uri=local.oidc_issuer,
                subject=names.federation_subject,
                jwks_json=local.jwks_json(),
                depends_on=[self.required["iam"], self.required["sts"]],
            )
            federation.allow_impersonation(workload)
            self.output(
                "federation_provider",
                federation.provider.name,
                "Workload identity provider the pods' credential configuration names",
            )
            return
        # Opt-in: a key, which also reads the image (an image pull secret of the same identity).
        registry.grant_reader(workload.member, id="workload-reader")
        key = workload.create_key()
        self.output(
            contract.KEY_OUTPUT,
            key.private_key,
            "Base64 JSON key of the workload service account (local.credentials: "
            "service_account_key only)",
            sensitive=True,
        )
