"""The Deployment in dist/ serves a real training run, end to end.

examples/train.py runs as an in-cluster client against the server that the pod's own command,
args and environment start; the test then looks at the data where it landed: PostgreSQL for the
run, its params and metrics, the bucket for the artifacts and the model.
"""

from __future__ import annotations

import concurrent.futures
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from settings import REPO_ROOT
from tests.e2e.conftest import MIGRATE, Cluster, run_client
from tests.support.net import cluster_dns, http_get
from tests.support.pod import Pod

pytestmark = pytest.mark.e2e

TRAIN = REPO_ROOT / "examples" / "train.py"


@pytest.fixture(scope="module")
def training_run(cluster: Cluster) -> dict[str, str]:
    out = run_client(cluster, TRAIN, "--run-name", "e2e")
    found = dict(re.findall(r"^(run id|model|url): (\S+)$", out, flags=re.M))
    assert set(found) == {"run id", "model", "url"}, out
    return found


def test_run_params_and_metrics_are_in_postgres(cluster: Cluster, training_run: dict[str, str]):
    run_id = training_run["run id"]
    db = cluster.database
    ((status, name, artifact_uri),) = cluster.pg.query(
        db, "SELECT status, name, artifact_uri FROM runs WHERE run_uuid = %s", run_id
    )
    assert (status, name) == ("FINISHED", "e2e")
    assert artifact_uri.startswith("mlflow-artifacts:/")  # proxied: clients need no GCS access
    params = dict(cluster.pg.query(db, "SELECT key, value FROM params WHERE run_uuid = %s", run_id))
    assert params == {
        "C": "1.0",
        "max_iter": "500",
        "model": "logistic_regression",
        "n_train": "133",
        "n_test": "45",
        "seed": "42",
    }
    metrics = cluster.pg.query(
        db, "SELECT key, step, value FROM metrics WHERE run_uuid = %s ORDER BY key, step", run_id
    )
    assert [(k, s) for k, s, _ in metrics if k == "cv_accuracy"] == [
        ("cv_accuracy", i) for i in range(5)
    ]
    latest = {k: v for k, _, v in metrics}
    assert set(latest) == {"accuracy", "cv_accuracy", "f1_macro"}
    assert 0.9 <= latest["accuracy"] <= 1.0


def test_artifacts_and_model_are_in_the_bucket(cluster: Cluster, training_run: dict[str, str]):
    names = cluster.settings.names
    prefix = cluster.settings.bucket.artifact_prefix
    objects = cluster.gcs.object_names(names.bucket)
    assert objects, "the bucket is empty"
    assert all(o.startswith(prefix + "/") for o in objects), objects
    run_id = training_run["run id"]
    assert any(
        o.endswith(f"/{run_id}/artifacts/reports/classification_report.json") for o in objects
    ), objects
    model_id = training_run["model"].removeprefix("models:/")
    model_files = [o for o in objects if f"/models/{model_id}/artifacts/" in o]
    files = {o.rsplit("/", 1)[1] for o in model_files}
    assert "MLmodel" in files, objects
    assert files & {"model.skops", "model.pkl"}, objects  # the serialized estimator


def test_model_loads_back_and_predicts(
    cluster: Cluster,
    training_run: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
):
    import mlflow
    from sklearn.metrics import accuracy_score

    from examples.train import load_data

    _, x_test, _, y_test = load_data()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", cluster.tracking_uri)
    with cluster_dns(cluster.dns):
        # dst_path: MLflow would otherwise download into a temp folder it never removes.
        model = mlflow.pyfunc.load_model(training_run["model"], dst_path=str(tmp_path))
    predicted = model.predict(x_test)
    ((logged,),) = cluster.pg.query(
        cluster.database,
        "SELECT value FROM latest_metrics WHERE run_uuid = %s AND key = 'accuracy'",
        training_run["run id"],
    )
    assert accuracy_score(y_test, predicted) == pytest.approx(logged)
    assert model.metadata.get_input_schema() is not None  # logged with a signature


def test_metrics_endpoint_answers(cluster: Cluster, training_run: dict[str, str]):
    status, body = http_get(f"{cluster.local_url}/metrics", host=cluster.host_header)
    assert status == 200, body[:500]
    # The exporter counts the requests the training run made (multiprocess mode, /tmp dir).
    assert re.search(r"^mlflow_http_request_duration_seconds_count\{.*\} [1-9]", body, re.M), body
    # Managed Prometheus scrapes by pod IP: the pod's own address (POD_IP, which the entry point
    # adds) is an allowed Host header; another pod's address is not (no pattern for the range).
    pod_ip = cluster.pod.pod_ip
    status, body = http_get(
        f"{cluster.local_url}/metrics", host=f"{pod_ip}:{cluster.container_port}"
    )
    assert status == 200, body[:500]
    other = cluster.settings.network.pods_cidr.split("/")[0].rsplit(".", 1)[0] + ".7"
    status, body = http_get(
        f"{cluster.local_url}/metrics", host=f"{other}:{cluster.container_port}"
    )
    assert status == 403, body[:500]


def test_unknown_host_header_is_refused(cluster: Cluster):
    """The DNS-rebinding guard is on: a Host that is none of the server's names gets 403."""
    status, _ = http_get(
        f"{cluster.local_url}/api/2.0/mlflow/experiments/search?max_results=1",
        host="attacker.example.net",
    )
    assert status == 403


def test_password_never_in_logs_or_argv(cluster: Cluster, training_run: dict[str, str]):
    assert cluster.server is not None
    logs = cluster.migrate_log + cluster.server.logs()
    for form in (cluster.password, quote(cluster.password, safe="")):
        assert form not in logs
        for pid in cluster.server.pids():
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                assert form.encode() not in f.read()


def test_no_idle_job_runner(cluster: Cluster):
    """The deployment runs no MLflow jobs (GenAI scorers, prompt optimization): no huey
    consumers idling in the pod, only the `mlflow server` launcher and its uvicorn."""
    assert cluster.server is not None
    commands = []
    for pid in cluster.server.pids():
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            commands.append(f.read().replace(b"\0", b" ").decode())
    assert not [c for c in commands if "huey" in c or "job" in c.lower()], commands


def test_concurrent_migrations_on_a_fresh_database(cluster: Cluster):
    """Two replicas starting together: both `db upgrade`s succeed, one migrates, one waits."""
    names = cluster.settings.names
    database = "mlflow_migration_race"
    cluster.pg.create_database(name=database, user=names.db_user)
    try:
        pods = [
            Pod(
                cluster.manifests,
                cluster.pod.deployment,
                secrets={},
                files=cluster.secret_files(),
                extra_env=dict(cluster.pod.extra_env),
                overrides={
                    **cluster.pod.overrides,
                    "DB_NAME": database,
                },
            )
            for _ in range(2)
        ]
        try:
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                results = list(pool.map(lambda p: p.run_to_completion(MIGRATE), pods))
        finally:
            for pod in pods:
                pod.cleanup()
        for r in results:
            assert r.returncode == 0, r.stderr[-4000:]
        logs = [r.stdout + r.stderr for r in results]
        assert sum("empty database: creating the schema" in log for log in logs) == 1, logs
        assert all("schema is at the head revision" in log for log in logs)
        revisions = cluster.pg.query(database, "SELECT version_num FROM alembic_version")
        heads = cluster.pg.query(cluster.database, "SELECT version_num FROM alembic_version")
        assert revisions == heads
        assert len(revisions) == 1
    finally:
        cluster.pg.drop_database(database)


def _quantity(value: str) -> int:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 10**3, "M": 10**6, "G": 10**9}
    for suffix, factor in units.items():
        if value.endswith(suffix):
            return int(float(value[: -len(suffix)]) * factor)
    return int(value)


def test_server_memory_fits_its_request(cluster: Cluster, training_run: dict[str, str]):
    """After a training run (model upload and download included), the server's process tree
    is resident within the memory the Deployment requests for it (bench/server_perf.py
    measures the peak under load)."""
    assert cluster.server is not None
    resources = cluster.server.container.spec.get("resources", {})
    request = _quantity(resources["requests"]["memory"])
    limit = _quantity(resources["limits"]["memory"])
    rss = cluster.server.rss_bytes()
    print(f"server RSS after the training run: {rss / 2**20:.0f} MiB")
    assert 100 * 2**20 < rss <= request <= limit, (rss / 2**20, request / 2**20)


def test_postgres_is_the_major_database_version_defaults_to(cluster: Cluster) -> None:
    """The tests run the PostgreSQL major that new Cloud SQL instances get by default."""
    from settings.database import DatabaseSettings

    default = DatabaseSettings.model_fields["version"].default
    ((number,),) = cluster.pg.query(
        cluster.database, "SELECT current_setting('server_version_num')"
    )
    assert int(number) // 10000 == int(default.value.removeprefix("POSTGRES_"))
