"""A Kubernetes cluster outside Google Cloud (docker-desktop, kind): no VPC, no node identity.

The instance has a public IP with no authorized networks (only the Auth Proxy, authorized by
IAM, gets in). The pods are the workload service account through Workload Identity Federation
(keyless, the default) or, as an explicit opt-in, through an exported key.
"""

from __future__ import annotations

from infra.apis import FEDERATION_APIS
from infra.database import Database
from infra.federation import KubernetesFederation
from infra.identity import ServiceAccount
from infra.kek import KekPassphrase
from infra.platforms.base import DatabaseNetwork, InfraPlatform
from infra.registry import ImageRepository

KEY_OUTPUT = "workload_sa_key"


class ExternalCluster(InfraPlatform):
    apis = FEDERATION_APIS

    def database_network(self) -> DatabaseNetwork:
        return DatabaseNetwork()  # public IP only (database.allow_public_ip, required here)

    def connect_workload(
        self,
        *,
        workload: ServiceAccount,
        registry: ImageRepository,
        database: Database,
        kek: KekPassphrase,
    ) -> None:
        # `make secrets` reads both secrets with the operator's own credentials.
        local, names = self.settings.local, self.names
        assert local is not None  # the settings model requires the section on this platform
        if local.federated:
            assert local.oidc_issuer is not None  # required by the settings model
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
            KEY_OUTPUT,
            key.private_key,
            "Base64 JSON key of the workload service account (local.credentials: "
            "service_account_key only)",
            sensitive=True,
        )

    def add_outputs(self, database: Database) -> None:
        self.output("database_public_ip", database.public_ip_address, "Proxy-only public IP")
