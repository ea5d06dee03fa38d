"""The garbage-collection CronJob in dist/ removes what users deleted long enough ago, rows and
bucket objects, and nothing else.

Its pod runs as written in dist/: the harness resolves the CronJob's pod template (the Cloud
SQL Auth Proxy as a native sidecar, whose place PostgreSQL takes as for the server, then the
`gc` container) and runs the `gc` container's command, args and environment to completion.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Cluster
from tests.support.net import cluster_dns
from tests.support.pod import Pod

pytestmark = pytest.mark.e2e

DAY_MS = 86_400_000
RUN_TABLES = ("runs", "params", "metrics", "latest_metrics", "tags")


@pytest.fixture(scope="module")
def cronjob(cluster: Cluster) -> dict[str, Any]:
    (cron,) = cluster.manifests.of_kind("CronJob")
    return cron


@pytest.fixture(scope="module")
def gc_pod(cluster: Cluster, cronjob: dict[str, Any]) -> Iterator[Pod]:
    pod = Pod(
        cluster.manifests,
        cronjob,
        secrets={},
        files=cluster.secret_files(),
        extra_env=dict(cluster.pod.extra_env),
        overrides=dict(cluster.pod.overrides),  # the DB_PORT the harness moved, if any
    )
    try:
        yield pod
    finally:
        pod.cleanup()


def _run(client: Any, experiment: str, name: str) -> str:
    run_id = str(client.create_run(experiment, run_name=name).info.run_id)
    client.log_param(run_id, "lr", "0.1")
    client.log_metric(run_id, "loss", 0.5)
    client.log_text(run_id, f"{name}\n", "notes/readme.txt")
    client.set_terminated(run_id)
    return run_id


def _rows(cluster: Cluster, run_id: str) -> dict[str, int]:
    return {
        table: cluster.pg.query(
            cluster.database,
            f"SELECT count(*) FROM {table} WHERE run_uuid = %s",  # noqa: S608 - RUN_TABLES
            run_id,
        )[0][0]
        for table in RUN_TABLES
    }


def _objects(cluster: Cluster, run_id: str) -> list[str]:
    names = cluster.settings.names
    return [o for o in cluster.gcs.object_names(names.bucket) if f"/{run_id}/" in o]


def test_the_job_is_the_proxy_sidecar_then_gc(cronjob: dict[str, Any], cluster: Cluster) -> None:
    """The container order the harness runs is the one the kubelet would."""
    job = cronjob["spec"]["jobTemplate"]["spec"]
    pod = job["template"]["spec"]
    (sidecar,) = pod["initContainers"]
    assert (sidecar["name"], sidecar["restartPolicy"]) == ("cloud-sql-proxy", "Always")
    assert "--exit-zero-on-sigterm" in sidecar["args"]  # stopped at the end: a clean exit
    (gc,) = pod["containers"]
    assert gc["command"] == ["mlflow-entrypoint"]
    assert gc["args"][0] == "gc"
    assert pod["restartPolicy"] == "Never"
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert pod["serviceAccountName"] == cluster.pod.spec["serviceAccountName"]


def test_gc_removes_old_deletions_rows_and_objects_and_nothing_else(
    cluster: Cluster, gc_pod: Pod, cronjob: dict[str, Any]
) -> None:
    from mlflow import MlflowClient

    with cluster_dns(cluster.dns):
        client = MlflowClient(tracking_uri=cluster.tracking_uri)
        experiment = client.create_experiment(f"e2e-gc-{time.time_ns()}")
        live = _run(client, experiment, "live")
        old = _run(client, experiment, "deleted-long-ago")
        recent = _run(client, experiment, "deleted-today")
        client.delete_run(old)
        client.delete_run(recent)
    # The age filter, without waiting for it: `old` was deleted longer ago than older_than.
    args = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["args"]
    (older_than,) = [a.split("=", 1)[1] for a in args if a.startswith("--older-than=")]
    days = int(older_than.removesuffix("d"))
    cluster.pg.query(
        cluster.database,
        "UPDATE runs SET deleted_time = deleted_time - %s WHERE run_uuid = %s RETURNING 1",
        (days + 1) * DAY_MS,
        old,
    )
    for run_id in (live, old, recent):
        assert _objects(cluster, run_id), run_id
        assert all(_rows(cluster, run_id).values()), run_id

    start = time.monotonic()
    result = gc_pod.run_to_completion("gc", timeout=300)
    took = time.monotonic() - start
    output = result.stdout + result.stderr
    print(f"gc took {took:.1f} s")
    assert result.returncode == 0, output[-4000:]
    assert f"Run with ID {old} has been permanently deleted." in output
    assert recent not in output
    assert live not in output
    # Rows and objects of the old deletion are gone ...
    assert _rows(cluster, old) == dict.fromkeys(RUN_TABLES, 0)
    assert _objects(cluster, old) == []
    # ... the recent deletion and the live run keep theirs.
    for run_id in (live, recent):
        assert all(_rows(cluster, run_id).values()), run_id
        assert _objects(cluster, run_id), run_id
    ((stage,),) = cluster.pg.query(
        cluster.database, "SELECT lifecycle_stage FROM runs WHERE run_uuid = %s", live
    )
    assert stage == "active"
    # No URI or password in what the job prints, nor in its argv.
    assert cluster.password not in output
    assert "postgresql" not in output
    container = gc_pod.resolve("gc")
    assert not any("postgresql" in a for a in container.argv)


def test_gc_runs_again_and_finds_nothing(cluster: Cluster, gc_pod: Pod) -> None:
    """Idempotent: a second run (the Job's retry, the next night) removes nothing more."""
    result = gc_pod.run_to_completion("gc", timeout=300)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    assert "permanently deleted" not in result.stdout + result.stderr
