"""Bounded work per request: the caps and budgets the IAP plugin enforces (mlflow_iap_auth.limits),
derived from the server's resources so that they follow the pod.

What MLflow 3.17 holds per request (mlflow/server/fastapi_app.py, artifact_router.py):

* A request to any Flask route (every REST and ajax-api call but the artifact transfers) is read
  whole into memory by the ASGI-to-WSGI bridge (_EfficientWSGIResponder: the chunks, their join,
  then a BytesIO copy), then parsed by Flask: measured, a 100 MiB POST took the server from
  651 to 1027 MiB, about BODY_MEMORY_FACTOR times its size, before MLflow's permission check
  ran. MLflow itself sets no limit on that body (no MAX_CONTENT_LENGTH), so the plugin caps it.
* An artifact upload (PUT .../mlflow-artifacts/artifacts/...) streams to a file in /tmp, a
  download copies the whole object to /tmp before its first byte goes out
  (settings/transfers.py): memory holds a piece, /tmp the whole file, for as long as the client
  takes. The plugin admits them against the /tmp that settings/transfers.py sized.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from settings.transfers import GCS_UPLOAD_CHUNK_BYTES, MIB, quantity_bytes
from settings.workload import ContainerResources

if TYPE_CHECKING:
    from settings.server import ServerSettings

# MLflow's largest single field (mlflow/utils/validation.py, 3.17): a dataset's profile,
# MAX_DATASET_PROFILE_SIZE = 16 MiB - 1, logged by log-inputs beside its schema,
# MAX_DATASET_SCHEMA_SIZE = 1 MiB - 1. Every other limit is far below (log-batch:
# MAX_BATCH_LOG_REQUEST_SIZE = 1e6; the UI's upload-artifact: 10 MB; a tag value: 8000 or
# 100 000 characters). The cap admits both at their limits plus 1 MiB for the rest of the
# request; a body above it is one MLflow would store nowhere but as an artifact.
MLFLOW_DATASET_PROFILE_BYTES = 16 * MIB
MLFLOW_DATASET_SCHEMA_BYTES = MIB
BODY_MAX_BYTES = MLFLOW_DATASET_PROFILE_BYTES + MLFLOW_DATASET_SCHEMA_BYTES + MIB
# Memory per byte of a buffered Flask body: the chunks and their join (2x, briefly), the
# BytesIO the WSGI environ reads (1x), Flask's parse (~1x). Measured 3.8x (100 MiB -> 376 MiB).
BODY_MEMORY_FACTOR = 4
# Memory one proxied upload holds while MLflow copies it to Cloud Storage: about two pieces of
# MLFLOW_GCS_UPLOAD_CHUNK_SIZE (settings/transfers.py measured ~72 MiB at 32 MiB pieces).
UPLOAD_MEMORY_BYTES = 2 * GCS_UPLOAD_CHUNK_BYTES + 8 * MIB


@dataclass(frozen=True)
class RequestLimits:
    """Per server process (the plugin enforces them in its own process; uvicorn's workers share
    nothing)."""

    body_max_bytes: int
    body_budget_bytes: int
    transfer_max_bytes: int
    transfer_budget_bytes: int

    @classmethod
    def derive(
        cls, *, resources: ContainerResources, largest: int, concurrent: int, workers: int
    ) -> RequestLimits:
        """From the server container's memory and the artifact transfers it was sized for.

        Body budget: the memory between the container's request (its steady use) and its limit
        (the OOM kill), less what `concurrent` uploads hold, over BODY_MEMORY_FACTOR; at least
        one body of BODY_MAX_BYTES. Defaults: (1024 - 640 - 2 x 72) MiB / 4 = 60 MiB, i.e.
        three bodies at the cap, or thousands of ordinary calls, at once.

        Transfer budget: `concurrent` files of `largest` (the /tmp emptyDir is that plus
        TMP_HEADROOM_BYTES), so /tmp stays under its sizeLimit whatever the clients do; an upload
        above `largest` is refused (413), as settings/transfers.py promises no more. With more
        workers than `concurrent`, each process still admits one largest file (the emptyDir
        then holds less than workers x largest: raise artifact_transfers.concurrent).
        """
        limit = quantity_bytes(resources.limits["memory"])
        steady = quantity_bytes(resources.requests["memory"])
        spare = max(0, limit - steady - concurrent * UPLOAD_MEMORY_BYTES)
        body_budget = max(BODY_MAX_BYTES, spare // BODY_MEMORY_FACTOR // workers)
        transfer_budget = max(largest, largest * concurrent // workers)
        return cls(
            body_max_bytes=BODY_MAX_BYTES,
            body_budget_bytes=body_budget,
            transfer_max_bytes=largest,
            transfer_budget_bytes=transfer_budget,
        )


def request_limits(server: ServerSettings) -> RequestLimits:
    """The limits of `server`'s processes."""
    transfers = server.artifact_transfers
    return RequestLimits.derive(
        resources=server.resources.server,
        largest=transfers.largest_bytes,
        concurrent=transfers.concurrent,
        workers=server.workers,
    )
