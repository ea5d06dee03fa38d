"""MLflow artifact-repository plugin: the image's gs:// repository, with two fixes.

1. A missing GCS object is "not found" (404), not a 500.

MLflow 3.17's GCSArtifactRepository lets google's NotFound escape from `_download_file`; the
proxied-artifact handler then answers 500 INTERNAL_ERROR, which MLflow clients retry with
backoff for about 250 s (7 retries). `mlflow.pyfunc.load_model("runs:/<run>/model")` hits it on
every MLflow 3 model, because it first probes the run's own `model` path (the model lives under
the logged model's artifacts). The S3 and Azure repositories map not-found to
RESOURCE_DOES_NOT_EXIST (404, not retried); this does the same for gs://. Upstream:
mlflow/mlflow#24535 (3.18.0 still has the gap).

2. Multipart upload is declined, so that a large upload goes through the server in one PUT.
An MLflow 3.17 client uploads a file of 500 MB or more (MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE)
in parts when the server's /server-info says `multipart_uploads_enabled`, which it says for every
gs:// repository. The server then starts an XML multipart upload and signs one URL per part
(`blob.generate_signed_url`). Signing needs a private key: Workload Identity's and federation's
credentials hold a token only (google.auth's compute_engine and external_account credentials
are no `Signing` credentials), so google-cloud-storage raises "you need a private key to sign
credentials" and the client's upload fails with 500 (the GCS emulator fails it too: it has no
XML multipart API). The opt-in key could sign, but its clients would then send the parts to
storage.googleapis.com themselves, past the server. The client falls back to a single PUT only
on MLflow's "not supported" answer, which this gives (tests/e2e/test_large_artifacts.py).

Registered through MLflow's `mlflow.artifact_repository` entry point, which takes precedence
over the built-in `gs` scheme.
"""

from __future__ import annotations

from typing import NoReturn

from google.api_core.exceptions import NotFound
from mlflow.exceptions import MlflowException, _UnsupportedMultipartUploadException
from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST
from mlflow.store.artifact.gcs_artifact_repo import (
    GCSArtifactRepository as _UpstreamGCSArtifactRepository,
)


class GCSArtifactRepository(_UpstreamGCSArtifactRepository):
    """The upstream repository, with NotFound reported as RESOURCE_DOES_NOT_EXIST and
    multipart upload declined (clients then PUT the file through the server)."""

    def create_multipart_upload(
        self, local_file: str, num_parts: int = 1, artifact_path: str | None = None
    ) -> NoReturn:
        raise _UnsupportedMultipartUploadException()

    def _download_file(self, remote_file_path: str, local_path: str) -> None:
        try:
            super()._download_file(remote_file_path, local_path)
        except NotFound as exc:
            raise MlflowException(
                f"No such file or directory: '{remote_file_path}'",
                error_code=RESOURCE_DOES_NOT_EXIST,
            ) from exc
