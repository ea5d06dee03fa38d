"""A Kubernetes cluster outside Google Cloud (docker-desktop, kind): no VPC, a key.

The instance has a public IP with no authorized networks (only the Auth Proxy, authorized by
IAM, gets in); the pod authenticates with a service-account key, and its image pull secret
reads the image with the same identity.
"""

from __future__ import annotations

from infra.database import Database
from infra.identity import ServiceAccount
from infra.platforms.base import DatabaseNetwork, InfraPlatform
from infra.registry import ImageRepository


class ExternalCluster(InfraPlatform):
    def database_network(self) -> DatabaseNetwork:
        return DatabaseNetwork()  # public IP only (database.allow_public_ip, required here)

    def connect_workload(
        self, *, workload: ServiceAccount, registry: ImageRepository, database: Database
    ) -> None:
        registry.grant_reader(workload.member, id="workload-reader")
        key = workload.create_key()
        self.output(
            "workload_sa_key",
            key.private_key,
            "Base64 JSON key of the workload service account (local only)",
            sensitive=True,
        )

    def add_outputs(self, database: Database) -> None:
        self.output("database_public_ip", database.public_ip_address, "Proxy-only public IP")
