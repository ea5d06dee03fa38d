"""Artifacts that travel through the server, and what they need: /tmp space and time.

What MLflow 3.17 does with a proxied artifact (mlflow/server/artifact_router.py, the uvicorn
route for /api/2.0/mlflow-artifacts/artifacts/...; mlflow/store/artifact/gcs_artifact_repo.py):

* upload (PUT): the gs:// repository cannot take a stream (it is no StreamUploadMixin), so the
  route writes the request body, chunk by chunk, to a file in a fresh folder under TMPDIR (the
  pod's /tmp emptyDir), then copies that file to Cloud Storage (a resumable upload in
  MLFLOW_GCS_UPLOAD_CHUNK_SIZE pieces) and answers only then. The whole file sits in /tmp for
  the length of the request; memory holds one chunk.
* download (GET): the route first copies the whole object from Cloud Storage to /tmp, then
  streams that file to the client and deletes it.
* multipart upload (an MLflow client with a file of 500 MB or more): declined by the image's
  plugin (mlflow_server/gcs_not_found), so the client falls back to one PUT; see there why.

So /tmp must hold the largest file once per transfer in flight, and the load balancer's backend
timeout must cover a client sending the largest file and the server's copy to Cloud Storage.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from settings.workload import quantity_value

MIB = 2**20
GIB = 2**30
# /tmp beyond the transfers: Prometheus' multiprocess files (MLFLOW_EXPOSE_PROMETHEUS lives
# there) and MLflow's small temporary files, a few MiB (bench/large_artifacts.py measures
# /tmp), and a margin for a file somewhat larger than planned.
TMP_HEADROOM_BYTES = GIB
# The container logs count toward the pod's ephemeral storage too (the root filesystem is
# read-only, so nothing else grows; the kubelet rotates logs at 5 x 10Mi per container by
# default): the server's limit adds this to /tmp.
LOG_HEADROOM_BYTES = GIB
# The server's copy to Cloud Storage, for the timeout: an assumption, not a measurement of
# GCS (a pod in the bucket's region is usually faster); bench/large_artifacts.py measures the
# path to the emulator, which is no stand-in for Cloud Storage's throughput.
SERVER_TO_GCS_MIB_PER_SECOND = 50
# The server's copy to Cloud Storage is a resumable upload in pieces of this size, each read
# into memory first (google-cloud-storage's default piece is 100 MiB). Measured with a 600 MiB
# file (tests/e2e harness, 2 vCPU): the server's memory grows by ~210 MiB per upload at the
# default, ~72 MiB at 32 MiB, ~40 MiB at 16 MiB; 32 MiB keeps two concurrent uploads well
# inside the 1Gi memory limit at 32 requests per GiB (a multiple of 256 KiB, as the resumable
# protocol requires).
GCS_UPLOAD_CHUNK_BYTES = 32 * MIB
# The load balancer's timeout never goes below the project's earlier, measured-safe default.
MIN_TIMEOUT_SECONDS = 600


def quantity_bytes(text: str) -> int:
    """A Kubernetes quantity of bytes (settings.workload.quantity_value), as an int."""
    return int(quantity_value(text))


def _byte_quantity(value: str) -> str:
    size = quantity_bytes(value)
    if size < MIB:
        raise ValueError(f"{value!r} is less than 1Mi: give the largest artifact file, e.g. 4Gi")
    return value


ByteQuantity = Annotated[str, AfterValidator(_byte_quantity)]


def format_bytes(size: int) -> str:
    """A byte count as the shortest exact Kubernetes quantity (Gi, Mi or plain bytes)."""
    for suffix, factor in (("Gi", GIB), ("Mi", MIB)):
        if size % factor == 0:
            return f"{size // factor}{suffix}"
    return str(size)


class ArtifactTransfers(BaseModel):
    """Artifacts uploaded and downloaded through the server: each is spooled whole in the
    pod's /tmp (MLflow's GCS store cannot stream); the /tmp emptyDir, the server's
    ephemeral-storage and the load balancer's timeout follow from these."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    largest: ByteQuantity = Field(
        "4Gi",
        description="The largest artifact file a client uploads or downloads through the "
        "server (a Kubernetes quantity: 4Gi, 500Mi).",
    )
    concurrent: int = Field(
        2,
        ge=1,
        le=64,
        description="Transfers of that size one pod holds in /tmp at the same time.",
    )
    slowest_client_mib_per_second: float = Field(
        8.0,
        gt=0,
        le=10_000,
        description="The slowest client link the load balancer's timeout allows for, in MiB/s "
        "(8 MiB/s: a 64 Mbit/s uplink).",
    )

    @property
    def largest_bytes(self) -> int:
        return quantity_bytes(self.largest)

    @property
    def tmp_bytes(self) -> int:
        """The /tmp emptyDir: `concurrent` largest files, plus headroom."""
        return self.largest_bytes * self.concurrent + TMP_HEADROOM_BYTES

    @property
    def tmp_size(self) -> str:
        return format_bytes(self.tmp_bytes)

    @property
    def server_ephemeral_limit(self) -> str:
        return format_bytes(self.tmp_bytes + LOG_HEADROOM_BYTES)

    @property
    def timeout_seconds(self) -> int:
        """The client sends the largest file, then the server copies it to Cloud Storage (the
        answer comes after both); rounded up to a minute, at least MIN_TIMEOUT_SECONDS."""
        mib = Decimal(self.largest_bytes) / MIB
        need = mib / Decimal(str(self.slowest_client_mib_per_second))
        need += mib / SERVER_TO_GCS_MIB_PER_SECOND
        return max(MIN_TIMEOUT_SECONDS, 60 * math.ceil(need / 60))


def derive_server_storage(data: dict[str, object], transfers: ArtifactTransfers) -> dict:
    """`data` (a server section as written) with the server container's ephemeral-storage
    request and limit defaulted from `transfers`, where the config does not set them.

    A default never contradicts what the config does set: a derived request is at most the
    given limit, and a derived limit at least the given request, so that a limit that is too
    small is refused by check_server_storage, with the reason.
    """
    resources = data.get("resources", {})
    if not isinstance(resources, dict):
        return data  # the field's own validation names the error
    server = resources.get("server", {})
    if not isinstance(server, dict):
        return data
    requests, limits = server.get("requests", {}), server.get("limits", {})
    if not isinstance(requests, dict) or not isinstance(limits, dict):
        return data
    key = "ephemeral-storage"
    try:
        given_request = quantity_bytes(requests[key]) if key in requests else None
        given_limit = quantity_bytes(limits[key]) if key in limits else None
    except ValueError:
        return data
    request = min(transfers.tmp_bytes, given_limit or transfers.tmp_bytes)
    limit = max(transfers.tmp_bytes + LOG_HEADROOM_BYTES, given_request or 0)
    parts = {
        "requests": {key: format_bytes(request), **requests},
        "limits": {key: format_bytes(limit), **limits},
    }
    return {**data, "resources": {**resources, "server": {**server, **parts}}}


def check_server_storage(limit: str | None, transfers: ArtifactTransfers) -> None:
    """Refuse a server ephemeral-storage limit that the largest transfers would exceed."""
    if limit is not None and quantity_bytes(limit) < transfers.tmp_bytes:
        raise ValueError(
            f"resources.server.limits.ephemeral-storage {limit} is below the /tmp that "
            f"artifact transfers need, {transfers.tmp_size} (artifact_transfers.largest "
            f"{transfers.largest} x concurrent {transfers.concurrent}, plus "
            f"{format_bytes(TMP_HEADROOM_BYTES)}): the kubelet would evict the pod during the "
            "largest uploads; raise the limit or lower artifact_transfers"
        )


def check_timeout(timeout: int | None, transfers: ArtifactTransfers) -> None:
    """Refuse a load-balancer timeout shorter than the largest transfer from the slowest
    client."""
    if timeout is not None and timeout < transfers.timeout_seconds:
        raise ValueError(
            f"upload_timeout_seconds {timeout} is shorter than the largest transfer takes, "
            f"{transfers.timeout_seconds} s (artifact_transfers.largest {transfers.largest} at "
            f"slowest_client_mib_per_second {transfers.slowest_client_mib_per_second:g}, then "
            f"the server's copy to Cloud Storage at {SERVER_TO_GCS_MIB_PER_SECOND} MiB/s): the "
            "load balancer would cut such uploads off; raise it, remove it (it is derived), or "
            "raise slowest_client_mib_per_second"
        )


def storage_notes(
    request: str | None, transfers: ArtifactTransfers, node_disk_gb: int | None
) -> list[str]:
    """Warnings (settings/advice.py) about a valid but risky ephemeral-storage request."""
    notes = []
    if request is not None and quantity_bytes(request) < transfers.tmp_bytes:
        notes.append(
            f"server.resources.server.requests.ephemeral-storage {request} is below the /tmp "
            f"artifact transfers may fill, {transfers.tmp_size}: the scheduler may place a pod "
            "on a node without that much free disk, and the kubelet then evicts it during a "
            "large upload"
        )
    # GKE keeps part of a node's boot disk for the system and evicts pods when less than 10 %
    # is free (https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes).
    half_a_node = node_disk_gb * 10**9 // 2 if node_disk_gb is not None else None
    if half_a_node is not None and request is not None and quantity_bytes(request) > half_a_node:
        notes.append(
            f"server.resources.server.requests.ephemeral-storage {request} is more than half "
            f"of a node's boot disk (cluster.disk_size_gb {node_disk_gb}): a node holds at most "
            "one server pod, or none; raise cluster.disk_size_gb"
        )
    return notes
