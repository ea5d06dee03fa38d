"""The `server:` section: the MLflow tracking server workload."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from settings import transfers
from settings.transfers import ArtifactTransfers
from settings.types import Dns1123Label, ImageRef, ImageTag, PositiveInt
from settings.versions import CLOUD_SQL_PROXY_IMAGE, IMAGE_REVISION, MLFLOW_VERSION
from settings.workload import WorkloadKnobs


class ServerSettings(WorkloadKnobs):
    """The MLflow tracking server workload."""

    image_tag: ImageTag = Field(
        f"{MLFLOW_VERSION}-{IMAGE_REVISION}",
        description="Tag of the server image in the project's Artifact Registry repository.",
    )
    image: ImageRef | None = Field(
        None,
        description="Full image reference to run instead of the project's own build.",
    )
    proxy_image: ImageRef = Field(
        CLOUD_SQL_PROXY_IMAGE, description="Cloud SQL Auth Proxy v2 image, pinned."
    )
    replicas: PositiveInt = Field(2, description="Pods; scale here, not with workers.")
    workers: PositiveInt = Field(
        1, description="uvicorn workers per pod (>=2 adds ~45 ms per keep-alive request)."
    )
    port: int = Field(5000, ge=1024, le=65535, description="Container and Service port.")
    namespace: Dns1123Label | None = Field(
        None, description="Kubernetes namespace; default <prefix>-<environment>."
    )
    allowed_namespaces: tuple[Dns1123Label, ...] = Field(
        (),
        description="Namespaces whose pods may reach the server in-cluster (NetworkPolicy). With "
        "auth on, such a pod without IAP's assertion may only GET /metrics: clients there use "
        "the ingress with their own identity (examples/iap_client). GKE-managed Prometheus "
        "(gke-gmp-system) is always admitted on GKE; add gmp-system for a self-deployed "
        "collector.",
    )
    artifact_transfers: ArtifactTransfers = Field(default_factory=ArtifactTransfers)
    # The backend service's timeoutSec: "from 1 through 2,147,483,647 seconds" (Compute API).
    upload_timeout_seconds: int | None = Field(
        None,
        ge=1,
        le=2_147_483_647,
        description="Load balancer backend timeout: the longest artifact transfer. None: "
        "derived from artifact_transfers (the largest file from the slowest client, then the "
        "server's copy to Cloud Storage), at least 600.",
    )
    kek_version: int = Field(
        1,
        ge=1,
        le=1_000_000,
        description="Version of the passphrase (KEK) that encrypts the secrets users store "
        "through the server (AI gateway API keys). Terraform generates one passphrase per "
        "version; raise this by one to rotate it (docs/operate.md#rotate-the-secrets-passphrase).",
    )

    @model_validator(mode="before")
    @classmethod
    def _storage_follows_transfers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        try:
            sizes = ArtifactTransfers.model_validate(data.get("artifact_transfers", {}))
        except ValueError:
            return data  # the field's own validation names the error
        return transfers.derive_server_storage(data, sizes)

    @model_validator(mode="after")
    def _transfers_fit(self) -> ServerSettings:
        sizes = self.artifact_transfers
        transfers.check_server_storage(self.resources.server.limits.get("ephemeral-storage"), sizes)
        transfers.check_timeout(self.upload_timeout_seconds, sizes)
        return self

    @property
    def backend_timeout_seconds(self) -> int:
        """The load balancer's backend timeout: the setting, or the one the transfers need."""
        return self.upload_timeout_seconds or self.artifact_transfers.timeout_seconds

    @model_validator(mode="after")
    def _one_owner_of_the_replica_count(self) -> ServerSettings:
        if self.autoscaling.enabled and "replicas" in self.model_fields_set:
            raise ValueError(
                "replicas and autoscaling.enabled are both set: the HorizontalPodAutoscaler "
                "owns the replica count (autoscaling.min_replicas..max_replicas); remove replicas"
            )
        return self
