"""Versions pinned in one place: the image build, the manifests and the tests read these."""

from __future__ import annotations

MLFLOW_VERSION = "3.18.0"
# The image's own revision for this MLflow version: raise it whenever the image's behaviour
# changes (what mlflow_server/ builds), so that `make image` pushes a new tag and `make apply`
# rolls the pods (2: the IAP identity plugin, the KEK passphrase file, garbage collection and the
# artifact URI rewrite; 3: MLflow 3.18.0, installed from the full pin list, and the migration
# Job's `make upgrade`; 4: the request guard reads the `.` segments of an artifact path
# parameter as the directory they name, so that MLflow's client downloads a run's root by
# `artifact_path="."`). The repository's registry keeps tags immutable (infra/registry.py).
IMAGE_REVISION = 4
CLOUD_SQL_PROXY_IMAGE = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3"
