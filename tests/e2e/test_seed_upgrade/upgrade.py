"""Moving a seed deployment (MLflow 1.27 on PostgreSQL, artifacts in gs://) onto this stack.

docs/seed.md, "Coming from the seed", run here step by step with PostgreSQL 18 (the new
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

import contextlib
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from settings import REPO_ROOT
from tests.e2e.conftest import MIGRATE, SERVER, Cluster, make_password
from tests.e2e.seed_127 import MLFLOW_1_27_HEAD, Seed, build_schema, insert, seed
from tests.support import pg18
from tests.support.container import RunningContainer
from tests.support.net import free_port, wait_http_ok
from tests.support.pod import Pod
from tests.support.postgres import PostgresServer

EMPTY_SQL = REPO_ROOT / "docs" / "seed" / "empty_new_database.sql"
SEED_USER = SEED_DB = "postgres"  # the seed's sql_usr and sql_db


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


def client_tool(name: str, *args: str, password: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PGPASSWORD": password, "PGCONNECT_TIMEOUT": "10"}
    proc = subprocess.run(
        [pg18.tool(name), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    return proc


def conninfo(pg: PostgresServer, user: str, db: str) -> list[str]:
    return ["--host", pg.host, "--port", str(pg.port), "--username", user, "--dbname", db]


@contextlib.contextmanager
def upgrade(cluster: Cluster, scratch: Path) -> Iterator[Upgraded]:
    """docs/seed.md's steps 1 to 5 (this module's docstring): the new deployment serving the
    seed's data, with the old instance still up; both stopped afterwards."""
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

        # 3. Empty it, as the MLflow user, with docs/seed.md's SQL.
        empty = client_tool(
            "psql",
            *conninfo(new, names.db_user, names.database),
            "-v",
            "ON_ERROR_STOP=1",
            "-f",
            str(EMPTY_SQL),
            password=password,
        )
        log["empty"] = empty.stdout + empty.stderr
        assert empty.returncode == 0, log["empty"]

        # 4. pg_dump from the old, pg_restore into the new: docs/seed.md's commands.
        dump = scratch / "seed.dump"
        dumped = client_tool(
            "pg_dump",
            *conninfo(old, SEED_USER, SEED_DB),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={dump}",
            password=old_password,
        )
        log["pg_dump"] = dumped.stdout + dumped.stderr
        assert dumped.returncode == 0, log["pg_dump"]
        restored = client_tool(
            "pg_restore",
            *conninfo(new, names.db_user, names.database),
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
        server, port = _start_server(pod, port)
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


def _start_server(pod: Pod, port: int, attempts: int = 3) -> tuple[RunningContainer, int]:
    """The server on `port`; on another free port when a process took that one between
    free_port() and the bind (the dump, restore and migration take seconds in between)."""
    for attempt in range(attempts):
        pod.overrides["MLFLOW_PORT"] = str(port)
        server = pod.start(SERVER)
        probe = server.container.probe("readinessProbe") or {}
        path = probe.get("httpGet", {}).get("path", "/health")
        try:
            wait_http_ok(f"http://127.0.0.1:{port}{path}", timeout=120, each=_alive(server))
        except Exception:
            server.stop()
            if "address already in use" not in server.logs() or attempt == attempts - 1:
                raise
            port = free_port()
            continue
        assert server.listens_on(port), server.logs()[-3000:]
        return server, port
    raise AssertionError("unreachable")


def _alive(server: RunningContainer) -> Any:
    def check() -> None:
        if server.proc.poll() is not None:
            raise AssertionError(f"server exited:\n{server.logs()[-4000:]}")

    return check
