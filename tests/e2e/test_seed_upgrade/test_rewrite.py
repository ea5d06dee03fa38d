"""The seed's artifacts moved (docs/seed.md, step 7): copied as `gcloud storage
rsync` lays them out, their stored locations rewritten by `mlflow-entrypoint
rewrite-artifact-uris`, and old runs' artifacts downloaded through the server."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Cluster
from tests.e2e.seed_127 import OLD_BUCKET, OTHER_LOCATION
from tests.e2e.test_seed_upgrade.upgrade import Upgraded
from tests.support.net import http_get

pytestmark = pytest.mark.e2e

MAPS = (
    f"{OLD_BUCKET}=mlflow-artifacts:/",
    f"{OTHER_LOCATION}=mlflow-artifacts:/seed-other-bucket/custom",
)


@dataclass
class Rewritten:
    dry_run: str
    dry_run_changed: bool
    refused: subprocess.CompletedProcess[str]
    refused_changed: bool
    apply: str
    again: str
    before: dict[str, list[Any]]
    after: dict[str, list[Any]]


@pytest.fixture(scope="module")
def rewritten(upgraded: Upgraded, cluster: Cluster) -> Rewritten:
    data = upgraded.data
    gcs = cluster.gcs.client()
    names = cluster.settings.names
    prefix = cluster.settings.bucket.artifact_prefix
    # The seed's buckets, with the runs' files where 1.27 put them.
    old_buckets = {}
    for location in (OLD_BUCKET, OTHER_LOCATION):
        bucket = location.removeprefix("gs://").split("/")[0]
        old_buckets[bucket] = gcs.create_bucket(bucket)
    for run in data.runs:
        root = data.artifact_uri(run).removeprefix("gs://")
        bucket, _, path = root.partition("/")
        for name, content in run.files.items():
            old_buckets[bucket].blob(f"{path}/{name}").upload_from_string(content)
    # gcloud storage rsync -r gs://OLD gs://NEW/<prefix>[/...]: same relative names below.
    new_bucket = gcs.bucket(names.bucket)
    targets = {OLD_BUCKET: f"{prefix}", OTHER_LOCATION: f"{prefix}/seed-other-bucket/custom"}
    for location, target in targets.items():
        bucket, _, base = location.removeprefix("gs://").partition("/")
        for blob in gcs.list_blobs(bucket, prefix=base + "/" if base else None):
            rest = blob.name[len(base) + 1 :] if base else blob.name
            old_buckets[bucket].copy_blob(blob, new_bucket, f"{target}/{rest}")
    # The old project goes away.
    for bucket in old_buckets.values():
        for blob in gcs.list_blobs(bucket):
            blob.delete()
        bucket.delete()

    tool = ["mlflow-entrypoint", "rewrite-artifact-uris"]
    maps = [arg for m in MAPS for arg in ("--map", m)]
    before = upgraded.locations()
    dry = upgraded.exec_server(*tool, *maps)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    dry_changed = upgraded.locations() != before
    # Ambiguous: the second mapping would send gs://seed-old-bucket/1/... where it goes too.
    refused = upgraded.exec_server(
        *tool, "--map", MAPS[0], "--map", f"{OTHER_LOCATION}=mlflow-artifacts:/1", "--apply"
    )
    refused_changed = upgraded.locations() != before
    applied = upgraded.exec_server(*tool, *maps, "--apply")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    after = upgraded.locations()
    again = upgraded.exec_server(*tool, *maps, "--apply")
    assert again.returncode == 0, again.stdout + again.stderr
    return Rewritten(
        dry.stdout,
        dry_changed,
        refused,
        refused_changed,
        applied.stdout,
        again.stdout,
        before,
        after,
    )


def test_dry_run_counts_and_changes_nothing(rewritten: Rewritten, upgraded: Upgraded) -> None:
    assert not rewritten.dry_run_changed
    data = upgraded.data
    lines = {
        line.split()[0]: line.split()
        for line in rewritten.dry_run.splitlines()
        if line.startswith("  ")
    }
    assert int(lines["experiments.artifact_location"][1]) == len(data.experiments)
    assert int(lines["runs.artifact_uri"][1]) == len(data.runs)
    assert int(lines["model_versions.source"][1]) == len(data.versions)
    assert f"--apply rewrites {len(data.experiments) + len(data.runs) + len(data.versions)}" in (
        rewritten.dry_run
    )


def test_ambiguous_mapping_is_refused_and_changes_nothing(rewritten: Rewritten) -> None:
    assert rewritten.refused.returncode == 2
    assert "ambiguous mapping" in rewritten.refused.stderr
    assert "nothing was changed" in rewritten.refused.stderr
    assert not rewritten.refused_changed


def test_apply_rewrites_every_location_once(rewritten: Rewritten, upgraded: Upgraded) -> None:
    data = upgraded.data
    total = len(data.experiments) + len(data.runs) + len(data.versions)
    assert f"rewrote {total} value(s) in one transaction" in rewritten.apply
    assert "rewrote 0 value(s)" in rewritten.again
    locations = dict(rewritten.after["experiments"])
    assert locations[1] == "mlflow-artifacts:/1"
    assert locations[3] == "mlflow-artifacts:/seed-other-bucket/custom/3"
    assert all(not str(v).startswith("gs://") for _, v in rewritten.after["runs"])


def test_old_run_artifacts_download_through_the_server(
    rewritten: Rewritten, upgraded: Upgraded, client: Any, tmp_path: Path
) -> None:
    import mlflow

    experiments = dict(rewritten.after["experiments"])
    for run in upgraded.data.runs:
        for name, content in run.files.items():
            # The UI's route (the server reads the run's artifact URI)...
            status, _ = http_get(
                f"http://127.0.0.1:{upgraded.port}/get-artifact?run_uuid={run.run_id}&path={name}",
                host=upgraded.host_header,
            )
            assert status == 200, (run.run_id, name)
            # ... and the client's, through the proxy (the client has no GCS credentials).
            location = experiments[run.experiment_id]
            if not re.match(r"mlflow-artifacts:/\d+(/|$)", str(location)):
                # A location that names no experiment (an own artifact_location, mapped to a
                # prefix of its own): MLflow 3.17 could only give its artifacts the default
                # permission, so the server serves it through the proxy to admins only
                # (mlflow_iap_auth.guard.ExperimentScope; docs/seed.md, step 8).
                proxied = str(location).removeprefix("mlflow-artifacts:/")
                status, body = http_get(
                    f"http://127.0.0.1:{upgraded.port}/api/2.0/mlflow-artifacts/artifacts/"
                    f"{proxied}/{run.run_id}/artifacts/{name}",
                    host=upgraded.host_header,
                )
                assert status == 403, (status, body)
                assert "names no experiment" in body, body
                continue
            local = mlflow.artifacts.download_artifacts(
                run_id=run.run_id, artifact_path=name, dst_path=str(tmp_path / run.run_id)
            )
            assert Path(local).read_bytes() == content
        if re.match(r"mlflow-artifacts:/\d+(/|$)", str(experiments[run.experiment_id])):
            listed = {f.path for f in client.list_artifacts(run.run_id)}
            assert listed == {name.split("/")[0] for name in run.files}


def test_registered_model_version_downloads(
    rewritten: Rewritten, upgraded: Upgraded, client: Any, tmp_path: Path
) -> None:
    import mlflow

    data = upgraded.data
    local = mlflow.artifacts.download_artifacts(
        artifact_uri=f"models:/{data.model_name}/2", dst_path=str(tmp_path)
    )
    files = data.run(data.versions[1].run_id).files
    assert (Path(local) / "MLmodel").read_bytes() == files["model/MLmodel"]
    # A 1.27 model lives in its run's artifacts, so runs:/ finds it there (3.17 logs models
    # under models/<model_id>/ instead).
    by_run = mlflow.artifacts.download_artifacts(
        artifact_uri=f"runs:/{data.versions[1].run_id}/model", dst_path=str(tmp_path / "run")
    )
    assert (Path(by_run) / "model.pkl").read_bytes() == files["model/model.pkl"]
    status, body = http_get(
        f"http://127.0.0.1:{upgraded.port}/model-versions/get-artifact"
        f"?name={data.model_name}&version=2&path=MLmodel",
        host=upgraded.host_header,
    )
    assert (status, body.encode()) == (200, files["model/MLmodel"])
