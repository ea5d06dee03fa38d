"""Moving a seed deployment (MLflow 1.27 on PostgreSQL, artifacts in gs://) onto this stack.

The README's "Coming from the seed" section, run here step by step with PostgreSQL 18 (the new
instance's major) standing in for both instances and the GCS emulator for both buckets:

1. the old database: 1.27's schema and rows (tests/e2e/seed_127.py), in the `postgres`
   database of the `postgres` user, as the seed had them;
2. the new deployment starts on its empty database: dist/'s `db-migrate` creates 3.17's schema;
3. docs/seed/empty_new_database.sql (psql, as the MLflow user) empties it again;
4. `pg_dump --format=custom` from the old server, `pg_restore --no-owner --role` into the new
   one, both with the PostgreSQL 18 client, over TCP with a password as through the proxies;
5. dist/'s `db-migrate` upgrades 1.27 -> 3.17; the server starts as dist/ says;
6. every row reads back through the MLflow client API;
7. the artifacts are copied as `gcloud storage rsync` lays them out, the old bucket goes away,
   and `mlflow-entrypoint rewrite-artifact-uris` (run as `kubectl exec` would, with the server
   container's environment) rewrites the stored locations; old runs' artifacts then download
   through the server, in the UI's routes and the client's.
"""

from __future__ import annotations

import math
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from settings import REPO_ROOT
from tests.e2e.conftest import MIGRATE, SERVER, Cluster, make_password
from tests.e2e.seed_127 import (
    MLFLOW_1_27_HEAD,
    OLD_BUCKET,
    OTHER_LOCATION,
    Seed,
    build_schema,
    insert,
    seed,
)
from tests.support import pg18
from tests.support.container import RunningContainer
from tests.support.net import cluster_dns, free_port, http_get, wait_http_ok
from tests.support.pod import Pod
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.e2e

EMPTY_SQL = REPO_ROOT / "docs" / "seed" / "empty_new_database.sql"
SEED_USER = SEED_DB = "postgres"  # the seed's sql_usr and sql_db
MAPS = (
    f"{OLD_BUCKET}=mlflow-artifacts:/",
    f"{OTHER_LOCATION}=mlflow-artifacts:/seed-other-bucket/custom",
)


@dataclass
class Upgraded:
    data: Seed
    old: PostgresServer
    new: PostgresServer
    pod: Pod
    server: RunningContainer
    port: int
    tracking_uri: str
    dns: dict[tuple[str, int], tuple[str, int]]
    host_header: str
    database: str
    user: str
    password: str
    log: dict[str, str]  # step -> output

    def client(self) -> Any:
        from mlflow import MlflowClient

        return MlflowClient(tracking_uri=self.tracking_uri)

    def exec_server(self, *argv: str) -> subprocess.CompletedProcess[str]:
        """A command in the server container, as `kubectl exec deploy/mlflow-server -c mlflow`."""
        container = self.pod.resolve(SERVER)
        self.pod.write_files(container)
        return subprocess.run(
            list(argv),
            env=container.env,
            cwd=self.pod.root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def locations(self) -> dict[str, list[Any]]:
        """The stored artifact locations (SQL: for comparing before and after a rewrite)."""
        q = self.new.query
        return {
            "experiments": q(
                self.database, "SELECT experiment_id, artifact_location FROM experiments ORDER BY 1"
            ),
            "runs": q(self.database, "SELECT run_uuid, artifact_uri FROM runs ORDER BY 1"),
            "model_versions": q(
                self.database,
                "SELECT version, source, storage_location FROM model_versions ORDER BY 1",
            ),
        }


def _client_tool(name: str, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"}
    proc = subprocess.run(
        [pg18.tool(name), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    return proc


def _conninfo(pg: PostgresServer, user: str, db: str) -> list[str]:
    return ["--host", pg.host, "--port", str(pg.port), "--username", user, "--dbname", db]


@pytest.fixture(scope="module")
def upgraded(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upgraded]:
    import psycopg2
    from psycopg import sql

    names = cluster.settings.names
    data = seed()
    log: dict[str, str] = {}
    started: list[Any] = []
    server: RunningContainer | None = None
    try:
        # 1. The old instance: the seed's database, user and password.
        old = pg18.server()
        started.append(old)
        old.init()
        old.start()
        old_password = make_password()
        with old.connect() as conn:
            conn.execute(
                sql.SQL("ALTER ROLE postgres PASSWORD {}").format(sql.Literal(old_password))
            )
        old_url = _url(SEED_USER, old_password, old, SEED_DB)
        build_schema(old_url)
        conn = psycopg2.connect(
            host=old.host, port=old.port, user=SEED_USER, password=old_password, dbname=SEED_DB
        )
        try:
            insert(conn, data)
            conn.commit()
        finally:
            conn.close()
        ((revision,),) = old.query(SEED_DB, "SELECT version_num FROM alembic_version")
        assert revision == MLFLOW_1_27_HEAD

        # 2. The new instance and deployment: db-migrate creates 3.17's schema.
        new = pg18.server()
        started.append(new)
        new.init()
        new.start()
        password = make_password()
        new.create_database(name=names.database, user=names.db_user, password=password)
        port = free_port()
        pod = Pod(
            cluster.manifests,
            cluster.pod.deployment,
            secrets={},
            # The session's passphrase file; this instance's own password.
            files={**cluster.pod.files, "DB_PASSWORD_FILE": password + "\n"},
            extra_env=dict(cluster.pod.extra_env),
            overrides={"DB_PORT": str(new.port), "MLFLOW_PORT": str(port)},
        )
        started.append(pod)
        fresh = pod.run_to_completion(MIGRATE)
        log["fresh migrate"] = fresh.stdout + fresh.stderr
        assert fresh.returncode == 0, log["fresh migrate"][-3000:]

        # 3. Empty it, as the MLflow user, with the README's SQL.
        empty = _client_tool(
            "psql",
            *_conninfo(new, names.db_user, names.database),
            "-v",
            "ON_ERROR_STOP=1",
            "-f",
            str(EMPTY_SQL),
            password=password,
        )
        log["empty"] = empty.stdout + empty.stderr
        assert empty.returncode == 0, log["empty"]

        # 4. pg_dump from the old, pg_restore into the new: the README's commands.
        dump = tmp_path_factory.mktemp("seed-dump") / "seed.dump"
        dumped = _client_tool(
            "pg_dump",
            *_conninfo(old, SEED_USER, SEED_DB),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={dump}",
            password=old_password,
        )
        log["pg_dump"] = dumped.stdout + dumped.stderr
        assert dumped.returncode == 0, log["pg_dump"]
        restored = _client_tool(
            "pg_restore",
            *_conninfo(new, names.db_user, names.database),
            "--no-owner",
            "--no-privileges",
            "--no-comments",
            f"--role={names.db_user}",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
            password=password,
        )
        log["pg_restore"] = restored.stdout + restored.stderr
        assert restored.returncode == 0, log["pg_restore"]

        # 5. The upgrade, then the server, both as dist/ runs them.
        migrate = pod.run_to_completion(MIGRATE)
        log["migrate"] = migrate.stdout + migrate.stderr
        assert migrate.returncode == 0, log["migrate"][-4000:]
        server = pod.start(SERVER)
        probe = server.container.probe("readinessProbe") or {}
        path = probe.get("httpGet", {}).get("path", "/health")
        wait_http_ok(f"http://127.0.0.1:{port}{path}", timeout=120, each=_alive(server))
        assert server.listens_on(port), server.logs()[-3000:]
        yield Upgraded(
            data=data,
            old=old,
            new=new,
            pod=pod,
            server=server,
            port=port,
            tracking_uri=cluster.tracking_uri,
            dns={(cluster.service_host, cluster.service_port): ("127.0.0.1", port)},
            host_header=cluster.host_header,
            database=names.database,
            user=names.db_user,
            password=password,
            log=log,
        )
    finally:
        if server is not None:
            server.stop()
        for thing in reversed(started):
            thing.cleanup()


def _url(user: str, password: str, pg: PostgresServer, db: str) -> str:
    from urllib.parse import quote

    credentials = f"{quote(user, safe='')}:{quote(password, safe='')}"
    return f"postgresql+psycopg2://{credentials}@{pg.host}:{pg.port}/{db}"


def _alive(server: RunningContainer) -> Any:
    def check() -> None:
        if server.proc.poll() is not None:
            raise AssertionError(f"server exited:\n{server.logs()[-4000:]}")

    return check


@pytest.fixture
def client(upgraded: Upgraded, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", upgraded.tracking_uri)
    with cluster_dns(upgraded.dns):
        yield upgraded.client()


# -- the data move --------------------------------------------------------------------------


def test_the_restored_database_was_migrated_not_created(upgraded: Upgraded) -> None:
    assert "empty database: creating the schema" in upgraded.log["fresh migrate"]
    assert "empty database" not in upgraded.log["migrate"]
    assert (
        f"schema at revision {MLFLOW_1_27_HEAD} of an older MLflow: migrating it to the head"
        in upgraded.log["migrate"]
    )
    assert "schema is at the head revision" in upgraded.log["migrate"]
    from mlflow.store.db.utils import _get_latest_schema_revision

    ((revision,),) = upgraded.new.query(
        upgraded.database, "SELECT version_num FROM alembic_version"
    )
    assert revision == _get_latest_schema_revision()
    # --no-owner: the restored tables belong to the user MLflow connects as, not to `postgres`.
    owners = upgraded.new.query(
        upgraded.database, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
    )
    assert owners == [(upgraded.user,)]


def test_empty_new_database_refuses_a_database_with_data(upgraded: Upgraded) -> None:
    tables = upgraded.new.query(upgraded.database, "SELECT count(*) FROM pg_tables")
    refused = _client_tool(
        "psql",
        *_conninfo(upgraded.new, upgraded.user, upgraded.database),
        "-v",
        "ON_ERROR_STOP=1",
        "-f",
        str(EMPTY_SQL),
        password=upgraded.password,
    )
    assert refused.returncode != 0
    assert "already holds MLflow data: nothing dropped" in refused.stderr
    assert upgraded.new.query(upgraded.database, "SELECT count(*) FROM pg_tables") == tables


# -- every row, through the MLflow API -------------------------------------------------------


def test_experiments_read_back(client: Any, upgraded: Upgraded) -> None:
    from mlflow.entities import ViewType

    found = {e.experiment_id: e for e in client.search_experiments(view_type=ViewType.ALL)}
    assert set(found) == {str(e.experiment_id) for e in upgraded.data.experiments}
    for want in upgraded.data.experiments:
        got = found[str(want.experiment_id)]
        assert (got.name, got.lifecycle_stage) == (want.name, want.lifecycle)
        assert got.tags == want.tags
        assert client.get_experiment(got.experiment_id).name == want.name


def test_runs_read_back(client: Any, upgraded: Upgraded) -> None:
    from mlflow.entities import ViewType

    data = upgraded.data
    found = {
        r.info.run_id: r
        for r in client.search_runs(
            [str(e.experiment_id) for e in data.experiments], run_view_type=ViewType.ALL
        )
    }
    assert set(found) == {r.run_id for r in data.runs}
    for want in data.runs:
        got = client.get_run(want.run_id)
        info = got.info
        assert info.experiment_id == str(want.experiment_id)
        assert (info.status, info.lifecycle_stage) == (want.status, want.lifecycle)
        assert (info.start_time, info.end_time) == (want.start, want.end)
        assert info.user_id == want.user
        # 1.27 kept the name in the mlflow.runName tag only (runs.name was ""); 3.17 reads it
        # from there when the column is empty.
        assert info.run_name == want.name
        assert got.data.params == want.params
        assert got.data.tags == want.tags
        latest = {k: _api_value(want.latest(k)[2]) for k in want.metrics}
        assert _same(got.data.metrics, latest)


def test_metric_histories_read_back(client: Any, upgraded: Upgraded) -> None:
    for run in upgraded.data.runs:
        for key, history in run.metrics.items():
            got = client.get_metric_history(run.run_id, key)
            assert [(m.step, m.timestamp) for m in got] == [(s, t) for s, t, _ in history]
            assert _same([m.value for m in got], [_api_value(v) for _, _, v in history])


def test_registered_model_and_versions_read_back(client: Any, upgraded: Upgraded) -> None:
    data = upgraded.data
    (model,) = client.search_registered_models()
    assert (model.name, model.description, model.tags) == (
        data.model_name,
        data.model_description,
        data.model_tags,
    )
    for want in data.versions:
        got = client.get_model_version(data.model_name, str(want.version))
        assert (got.run_id, got.current_stage, got.description, got.status) == (
            want.run_id,
            want.stage,
            want.description,
            "READY",
        )
        assert got.tags == want.tags


def test_old_runs_are_found_by_name_filter_and_order(client: Any, upgraded: Upgraded) -> None:
    runs = client.search_runs(
        ["1"], filter_string="attributes.run_name = 'baseline'", order_by=["metrics.loss ASC"]
    )
    assert [r.info.run_id for r in runs] == ["1" * 32]
    ordered = client.search_runs(
        ["1"], filter_string="params.model = 'gbm'", order_by=["params.lr DESC"]
    )
    assert [r.data.params["lr"] for r in ordered] == ["0.1", "0.05"]


def test_new_experiments_continue_after_the_old_ids(client: Any, upgraded: Upgraded) -> None:
    new_id = client.create_experiment("after-the-move")
    assert int(new_id) > max(e.experiment_id for e in upgraded.data.experiments)
    assert client.get_experiment(new_id).artifact_location == f"mlflow-artifacts:/{new_id}"


def test_stages_still_read_but_are_deprecated(client: Any, upgraded: Upgraded) -> None:
    """Model registry stages (1.27's way to promote a model) still read back in 3.17, with a
    FutureWarning: aliases replace them."""
    with pytest.warns(FutureWarning, match="[Ss]tage"):
        latest = client.get_latest_versions(upgraded.data.model_name, stages=["Production"])
    assert [v.version for v in latest] == ["2"]


def _api_value(value: float) -> float:
    """What 1.27 stored (and so what the API returns): inf as the largest finite double."""
    if math.isinf(value):
        return math.copysign(1.7976931348623157e308, value)
    return value


def _same(got: Any, want: Any) -> bool:
    def norm(v: Any) -> Any:
        return "nan" if isinstance(v, float) and math.isnan(v) else v

    if isinstance(got, dict):
        return {k: norm(v) for k, v in got.items()} == {k: norm(v) for k, v in want.items()}
    return [norm(v) for v in got] == [norm(v) for v in want]


# -- artifacts: copy, rewrite, download ------------------------------------------------------


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

    for run in upgraded.data.runs:
        for name, content in run.files.items():
            # The UI's route (the server reads the run's artifact URI)...
            status, _ = http_get(
                f"http://127.0.0.1:{upgraded.port}/get-artifact?run_uuid={run.run_id}&path={name}",
                host=upgraded.host_header,
            )
            assert status == 200, (run.run_id, name)
            # ... and the client's, through the proxy (the client has no GCS credentials).
            local = mlflow.artifacts.download_artifacts(
                run_id=run.run_id, artifact_path=name, dst_path=str(tmp_path / run.run_id)
            )
            assert Path(local).read_bytes() == content
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
