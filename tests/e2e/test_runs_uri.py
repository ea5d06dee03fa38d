"""A model loads by its run's URI (`runs:/<run_id>/model`, as MLflow's docs write it) at once.

In MLflow 3 `log_model` stores the model under `models/<model_id>/artifacts`, not under the
run's artifacts. For a `runs:/` URI the client first downloads `<run artifacts>/model` through
the proxy and falls back to the run's LoggedModel only when that fails. The server must answer
that missing artifact with 404: the client retries a 500 seven times with backoff (about 250 s)
before it falls back. MLflow 3.17.2's gs:// artifact repository lets google-cloud-storage's
NotFound through, which the proxy turns into 500 INTERNAL_ERROR (its S3 and Azure repositories
map not-found to RESOURCE_DOES_NOT_EXIST, hence 404); the emulator answers the object GET with
404 as Cloud Storage does, so real GCS behaves the same.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from settings import REPO_ROOT
from tests.e2e.conftest import Cluster, run_client
from tests.support.net import http_get

pytestmark = pytest.mark.e2e

# Not a speed test: loading by runs:/ takes about 3 s here (process start and imports
# included), and the failure this guards against is the client's retry schedule, about 250 s.
# 120 s tells the two apart with room for a machine busy with other jobs.
LOAD_BUDGET_S = 120.0

# Both pass because the image (and .venv, which the harness runs) carries the plugin
# mlflow_server/gcs_not_found: MLflow 3.17.2's gs:// repository answers 500 for a missing
# object, which clients retry for ~250 s (mlflow/mlflow#24535).

LOAD = """\
import sys

import mlflow

model = mlflow.pyfunc.load_model(sys.argv[1], dst_path=sys.argv[2])
print(f"loaded run: {model.metadata.run_id}")
"""


@pytest.fixture(scope="module")
def run_id(cluster: Cluster) -> str:
    out = run_client(cluster, REPO_ROOT / "examples" / "train.py", "--run-name", "e2e-runs-uri")
    found = re.search(r"^run id: (\S+)$", out, flags=re.M)
    assert found, out
    return found[1]


def test_missing_proxied_artifact_is_not_found(cluster: Cluster, run_id: str) -> None:
    """The request a runs:/ load starts with: the run's own `model` path, which is empty."""
    ((artifact_uri,),) = cluster.pg.query(
        cluster.database, "SELECT artifact_uri FROM runs WHERE run_uuid = %s", run_id
    )
    root = artifact_uri.removeprefix("mlflow-artifacts:").lstrip("/")
    url = f"{cluster.local_url}/api/2.0/mlflow-artifacts/artifacts/{root}/model"
    status, body = http_get(url, host=cluster.host_header)
    assert (status, "RESOURCE_DOES_NOT_EXIST" in body) == (404, True), (status, body[:500])


def test_model_loads_by_runs_uri_quickly(cluster: Cluster, run_id: str, tmp_path: Path) -> None:
    """A client with MLflow's default retry policy, as a user has it."""
    script = tmp_path / "load.py"
    script.write_text(LOAD)
    dst = tmp_path / "model"
    dst.mkdir()
    start = time.monotonic()
    out = run_client(cluster, script, f"runs:/{run_id}/model", str(dst), timeout=LOAD_BUDGET_S)
    took = time.monotonic() - start
    print(f"runs:/ load took {took:.1f} s")
    assert f"loaded run: {run_id}" in out, out
    assert took < LOAD_BUDGET_S
