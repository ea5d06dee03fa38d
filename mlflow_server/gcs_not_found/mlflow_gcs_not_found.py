"""MLflow artifact-repository plugin: a missing GCS object is "not found" (404), not a 500.

MLflow 3.17's GCSArtifactRepository lets google's NotFound escape from `_download_file`; the
proxied-artifact handler then answers 500 INTERNAL_ERROR, which MLflow clients retry with
backoff for about 250 s (7 retries). `mlflow.pyfunc.load_model("runs:/<run>/model")` hits it on
every MLflow 3 model, because it first probes the run's own `model` path (the model lives under
the logged model's artifacts). The S3 and Azure repositories map not-found to
RESOURCE_DOES_NOT_EXIST (404, not retried); this does the same for gs://. Upstream:
mlflow/mlflow#24535 (3.18.0 still has the gap). Registered through MLflow's
`mlflow.artifact_repository` entry point, which takes precedence over the built-in `gs` scheme.
"""

from __future__ import annotations

from google.api_core.exceptions import NotFound
from mlflow.exceptions import MlflowException
from mlflow.protos.databricks_pb2 import RESOURCE_DOES_NOT_EXIST
from mlflow.store.artifact.gcs_artifact_repo import (
    GCSArtifactRepository as _UpstreamGCSArtifactRepository,
)


class GCSArtifactRepository(_UpstreamGCSArtifactRepository):
    """The upstream repository, with NotFound reported as RESOURCE_DOES_NOT_EXIST."""

    def _download_file(self, remote_file_path: str, local_path: str) -> None:
        try:
            super()._download_file(remote_file_path, local_path)
        except NotFound as exc:
            raise MlflowException(
                f"No such file or directory: '{remote_file_path}'",
                error_code=RESOURCE_DOES_NOT_EXIST,
            ) from exc
