"""`make upgrade` (ops/upgrade.py) with fake gcloud and kubectl on PATH: the order of the steps
with a schema change, the normal rolling update without one, and the stop on a failed
migration with the backup's id and the rollback steps."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ops.upgrade import image_heads
from settings import load_settings
from tests.support.fake_tools import run_with_fakes

pytestmark = pytest.mark.tools  # a project command in a subprocess

OLD_IMAGE = "europe-west1-docker.pkg.dev/p/r/mlflow-server:3.17.2-2"


def _run(
    tmp_path: Path, answers: dict[str, object]
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    return run_with_fakes(tmp_path, "ops.upgrade", answers)


def _heads() -> dict[str, str | None]:
    heads = image_heads(load_settings("dev"))
    assert heads is not None
    assert heads.tracking
    return {"tracking": heads.tracking, "auth": heads.auth}


def _steps(calls: list[list[str]]) -> list[str]:
    """Each call as `tool verb [object]`, the step's identity."""
    out = []
    for call in calls:
        words = [w for w in call if not w.startswith("-") and w not in ("ctx", "mlflow-dev")]
        out.append(" ".join(words[:4] if words[0] == "gcloud" else words[:3]))
    return out


BASE = {"kubectl:get&deployment/mlflow-server": f"{OLD_IMAGE} 2"}


def test_without_a_schema_change_it_is_a_rolling_update(tmp_path: Path) -> None:
    proc, calls = _run(tmp_path, {**BASE, "kubectl:exec": json.dumps(_heads())})
    assert proc.returncode == 0, proc.stderr
    assert _steps(calls) == [
        "kubectl get deployment/mlflow-server",
        "kubectl exec deployment/mlflow-server",
        "kubectl apply dist",
        "kubectl rollout status",
    ]
    assert not [c for c in calls if c[0] == "gcloud"]  # no backup, no stop


def _migration(
    tmp_path: Path, job: dict[str, object]
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    # 3.17.2's database: behind the image (an alembic revision, not a secret)
    old = {**_heads(), "tracking": "1b5f0d9ad7c1"}  # pragma: allowlist secret
    answers = {
        **BASE,
        "kubectl:exec": json.dumps(old),
        "gcloud:backups&create": "op-123",
        "gcloud:operations&describe": "1765000000000",
        **job,
    }
    return _run(tmp_path, answers)


def test_a_schema_change_backs_up_stops_writers_migrates_once_then_rolls_out(
    tmp_path: Path,
) -> None:
    proc, calls = _migration(tmp_path, {"kubectl:get&job/": "1"})
    assert proc.returncode == 0, proc.stderr
    assert _steps(calls) == [
        "kubectl get deployment/mlflow-server",
        "kubectl exec deployment/mlflow-server",
        "gcloud sql backups create",
        "gcloud sql operations wait",
        "gcloud sql operations describe",
        "kubectl patch cronjob/mlflow-server-gc",
        "kubectl delete jobs",
        "kubectl scale deployment/mlflow-server",
        "kubectl wait pod",
        "kubectl apply dist/10-config.k8s.yaml",
        "kubectl delete job/mlflow-server-db-migrate",
        "kubectl apply dist/upgrade-job/db-migrate.k8s.yaml",
        "kubectl get job/mlflow-server-db-migrate",
        "kubectl apply dist",
        "kubectl scale deployment/mlflow-server",
        "kubectl rollout status",
    ]
    create = next(c for c in calls if "create" in c)
    assert "--instance=mlflow-dev-pg" in create
    assert "--async" in create
    assert "--project=my-mlflow-project" in create
    wait = next(c for c in calls if "wait" in c and c[0] == "gcloud")
    assert "op-123" in wait
    scales = [c for c in calls if "scale" in c]
    assert "--replicas=0" in scales[0]
    assert "--replicas=2" in scales[1]
    assert "--for=delete" in next(c for c in calls if c[0] == "kubectl" and "wait" in c)
    assert "upgraded to" in proc.stdout
    assert "1765000000000" in proc.stdout


def test_a_failed_migration_stops_with_the_backup_and_the_rollback(tmp_path: Path) -> None:
    failed = json.dumps([{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}])
    proc, calls = _migration(
        tmp_path,
        {
            "kubectl:job/mlflow-server-db-migrate&conditions": failed,
            "kubectl:get&job/": "",
            "kubectl:logs": "alembic.util.exc.CommandError: boom",
        },
    )
    assert proc.returncode == 1
    err = proc.stderr
    assert "make upgrade stopped" in err
    assert "the migration Job failed" in err
    assert "alembic.util.exc.CommandError: boom" in err
    assert "gcloud sql backups restore 1765000000000 --restore-instance=mlflow-dev-pg" in err
    assert f"set image deployment/mlflow-server db-migrate={OLD_IMAGE} mlflow={OLD_IMAGE}" in err
    # Nothing of the new version rolled out; the old pods stay at zero.
    assert ["kubectl", "--context", "ctx", "apply", "-f", "dist"] not in calls
    assert _steps(calls)[-1] == "kubectl logs job/mlflow-server-db-migrate"


def test_a_failed_backup_stops_before_any_writer_stops(tmp_path: Path) -> None:
    old = {**_heads(), "tracking": "1b5f0d9ad7c1"}  # pragma: allowlist secret
    proc, calls = _run(tmp_path, {**BASE, "kubectl:exec": json.dumps(old), "gcloud:backups": 1})
    assert proc.returncode == 1
    assert "gcloud sql backups create" in proc.stderr
    assert not [c for c in calls if "scale" in c or "patch" in c]


def test_no_server_pod_means_the_safe_path(tmp_path: Path) -> None:
    proc, calls = _run(
        tmp_path,
        {
            "kubectl:get&deployment/mlflow-server": f"{OLD_IMAGE} 0",
            "gcloud:backups&create": "op-1",
            "gcloud:operations&describe": "42",
            "kubectl:get&job/": "1",
        },
    )
    assert proc.returncode == 0, proc.stderr
    assert not [c for c in calls if "exec" in c]  # nothing to exec into
    assert "gcloud sql backups create" in _steps(calls)
    assert [c for c in calls if "scale" in c][-1][-1] == "--replicas=1"
