"""Faults, in the e2e harness: the database restarts, the server dies, many clients at once.

Clients are MLflow's own (MlflowClient) with its default retry policy, reaching the server by
its in-cluster name; every count is checked in PostgreSQL itself.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Cluster
from tests.support.net import cluster_dns, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def client(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from mlflow import MlflowClient

    # MLflow's retry schedule is backoff_factor * 2**n; 1 s (default 2) keeps the tests short
    # without changing what is retried.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "1")
    with cluster_dns(cluster.dns):
        yield MlflowClient(tracking_uri=cluster.tracking_uri)


def _experiment(client: Any, name: str) -> str:
    found = client.get_experiment_by_name(name)
    return str(found.experiment_id if found else client.create_experiment(name))


class MetricLogger(threading.Thread):
    """Logs metric `loss` at steps 0, 1, ... one request each, and records what was acked."""

    def __init__(self, client: Any, run_id: str, steps: int, pause: float = 0.02) -> None:
        super().__init__(name=f"logger-{run_id[:6]}", daemon=True)
        self.client, self.run_id, self.steps, self.pause = client, run_id, steps, pause
        self.acked: list[int] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for step in range(self.steps):
                self.client.log_metric(self.run_id, "loss", 1.0 / (step + 1), step=step)
                self.acked.append(step)
                time.sleep(self.pause)
            self.client.set_terminated(self.run_id, "FINISHED")
        except BaseException as exc:
            self.error = exc


def _steps_in_db(cluster: Cluster, run_id: str) -> list[int]:
    rows = cluster.pg.query(
        cluster.database,
        "SELECT step FROM metrics WHERE run_uuid = %s AND key = 'loss' ORDER BY step",
        run_id,
    )
    return [int(r[0]) for r in rows]


def _status(cluster: Cluster, run_id: str) -> str:
    ((status,),) = cluster.pg.query(
        cluster.database, "SELECT status FROM runs WHERE run_uuid = %s", run_id
    )
    return str(status)


def _through_fault(
    cluster: Cluster, client: Any, experiment: str, fault: Callable[[], None]
) -> MetricLogger:
    run = client.create_run(_experiment(client, experiment))
    logger = MetricLogger(client, run.info.run_id, steps=120)
    logger.start()
    wait_for(lambda: len(logger.acked) >= 30, timeout=60, what="30 acknowledged metrics")
    # The fault hits a run in progress: the client still has steps to log when it starts. (After
    # the fault the client may finish before this thread looks again: a retry can land the
    # moment the server is back.)
    assert logger.is_alive()
    assert len(logger.acked) < logger.steps
    fault()
    logger.join(timeout=240)
    assert not logger.is_alive(), "the client is still logging after 240 s"
    assert logger.error is None, repr(logger.error)
    return logger


def _postmaster_start(cluster: Cluster) -> Any:
    return cluster.pg.query("postgres", "SELECT pg_postmaster_start_time()")[0][0]


def test_postgres_restart_while_logging(cluster: Cluster, client: Any) -> None:
    started = _postmaster_start(cluster)
    logger = _through_fault(cluster, client, "fault-postgres-restart", cluster.pg.restart)
    assert _postmaster_start(cluster) > started
    run_id = logger.run_id
    assert logger.acked == list(range(120))
    # Every acknowledged metric is stored, exactly once.
    assert _steps_in_db(cluster, run_id) == logger.acked
    assert _status(cluster, run_id) == "FINISHED"


def test_server_killed_and_restarted_mid_run(cluster: Cluster, client: Any) -> None:
    assert cluster.server is not None
    before, old_pid = cluster.server.restarts, cluster.server.proc.pid
    logger = _through_fault(cluster, client, "fault-server-kill", cluster.restart_server_after_kill)
    assert cluster.server.restarts == before + 1
    assert cluster.server.proc.pid != old_pid
    assert logger.acked == list(range(120))
    # A request the dead server had committed but not answered is retried: MLflow stores an
    # identical metric once, so the steps are still exactly the acknowledged ones.
    assert _steps_in_db(cluster, logger.run_id) == logger.acked
    assert _status(cluster, logger.run_id) == "FINISHED"


def test_eight_concurrent_clients(cluster: Cluster, client: Any) -> None:
    from mlflow.entities import Metric, Param, RunTag

    experiment = _experiment(client, "fault-concurrency")
    params, batches, batch_size, singles = 10, 5, 40, 20

    def one_client(i: int) -> str:
        run = client.create_run(experiment, run_name=f"client-{i}")
        run_id = str(run.info.run_id)
        client.log_batch(
            run_id,
            params=[Param(f"p{k}", str(k * i)) for k in range(params)],
            tags=[RunTag("client", str(i))],
        )
        now = int(time.time() * 1000)
        for b in range(batches):
            client.log_batch(
                run_id,
                metrics=[
                    Metric("batch", float(i), now, b * batch_size + s) for s in range(batch_size)
                ],
            )
        for s in range(singles):
            client.log_metric(run_id, "single", float(s), step=s)
        client.set_terminated(run_id, "FINISHED")
        return run_id

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        run_ids = list(pool.map(one_client, range(8)))
    assert len(set(run_ids)) == 8
    rows = cluster.pg.query(
        cluster.database,
        """
        SELECT r.run_uuid, r.status,
               (SELECT count(*) FROM params p WHERE p.run_uuid = r.run_uuid),
               (SELECT count(*) FROM metrics m WHERE m.run_uuid = r.run_uuid AND key = 'batch'),
               (SELECT count(*) FROM metrics m WHERE m.run_uuid = r.run_uuid AND key = 'single')
        FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id
        WHERE e.name = 'fault-concurrency'
        """,
    )
    assert sorted(r[0] for r in rows) == sorted(run_ids)
    for run_id, status, n_params, n_batch, n_single in rows:
        assert (status, n_params, n_batch, n_single) == (
            "FINISHED",
            params,
            batches * batch_size,
            singles,
        ), run_id
