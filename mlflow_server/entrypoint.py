#!/usr/bin/env python3
"""`mlflow-entrypoint`: the server image's entry point.

It assembles the PostgreSQL backend URI from the pod's environment and a mounted password file,
so that the password never appears in a manifest, in argv (visible in `ps` and in the pod spec)
or in a log line, then either

* `mlflow-entrypoint db upgrade`: creates or migrates the schema in-process, holding a
  PostgreSQL advisory lock so that replicas (or a rollout's old and new pods) that start
  together run one migration after the other instead of racing, then applies the project's
  tuning (PROJECT_INDEXES, PROJECT_SETTINGS) under the same lock; or
* `mlflow-entrypoint server [mlflow server options...]`: execs `mlflow server` with the URI in
  MLFLOW_BACKEND_STORE_URI (which the CLI reads as --backend-store-uri); or
* `mlflow-entrypoint rewrite-artifact-uris [options...]`: execs the image's second program,
  rewrite_artifact_uris.py (next to this file), with the URI in the same variable: the
  operator's tool for moving stored artifact locations to a new bucket (`kubectl exec` into
  the server container, which has the proxy and the password file).

Environment:
  DB_USER, DB_NAME, DB_HOST, DB_PORT  the connection (DB_HOST is the Auth Proxy, 127.0.0.1)
  DB_PASSWORD_FILE                    a file holding the password (one trailing newline is
                                      stripped, as `echo` and most secret stores add one)
  AUTH_DB_NAME                        optional: MLflow's users and permissions database in the
                                      same instance. `db upgrade` creates and migrates it;
                                      `server` gets its URI in IAP_AUTH_DATABASE_URI
  SERVER_APP_NAME                     optional: `mlflow server --app-name` (iap-auth)
"""

from __future__ import annotations

import logging
import os
import sys
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

# psycopg2, not psycopg 3 (SQLAlchemy 2.1's default for postgresql://): SQLAlchemy's psycopg
# dialect renders a cast on every string parameter, and MLflow 3.17 compares the integer
# experiments.experiment_id with string ids (SqlAlchemyStore.add_dataset_to_experiments:
# `experiment_id.in_(["1", ...])`), which PostgreSQL then refuses: "operator does not exist:
# integer = character varying". psycopg2 sends the value as an untyped literal that PostgreSQL
# reads as an integer; it is also the driver MLflow's database tests run with.
DRIVER = "postgresql+psycopg2"
REQUIRED = ("DB_USER", "DB_NAME", "DB_HOST", "DB_PORT", "DB_PASSWORD_FILE")
URI_ENV = "MLFLOW_BACKEND_STORE_URI"
AUTH_URI_ENV = "IAP_AUTH_DATABASE_URI"
# pg_advisory_lock takes a bigint; any constant works as long as every replica uses the same.
MIGRATION_LOCK_KEY = zlib.crc32(b"mlflow-entrypoint db upgrade")
USAGE = (
    "usage: mlflow-entrypoint db upgrade | mlflow-entrypoint server [mlflow server options]"
    " | mlflow-entrypoint rewrite-artifact-uris --map OLD=NEW [--apply]"
)


@dataclass(frozen=True)
class ProjectIndex:
    """An index MLflow's schema lacks, added after its migrations (bench/tracking_scale.py)."""

    name: str  # project-prefixed, so that it never collides with one MLflow may add later
    table: str
    columns: tuple[str, ...]

    @property
    def ddl(self) -> str:
        return f"CREATE INDEX IF NOT EXISTS {self.name} ON {self.table} ({', '.join(self.columns)})"


PROJECT_INDEXES = (
    # runs.experiment_id is a foreign key, which PostgreSQL does not index by itself (MLflow
    # indexed the run_uuid ones only: mlflow/mlflow#3785, #5443). Every runs/search is
    # `WHERE experiment_id IN (...)`: without it each search reads the whole runs table.
    ProjectIndex("mlflow_entrypoint_runs_experiment_id", "runs", ("experiment_id",)),
)
# Session defaults of the role MLflow connects as (ALTER ROLE CURRENT_USER SET: any role may
# set its own). random_page_cost: PostgreSQL's 4 models spinning disks; its docs suggest 1.1
# for SSDs, which Cloud SQL runs on. With 4, a filtered runs/search of one experiment scans
# latest_metrics whole instead of looking its runs up (bench/tracking_scale.py).
PROJECT_SETTINGS = (("random_page_cost", "1.1"),)

# The image copies it next to mlflow-entrypoint (Dockerfile); in the repository it sits next to
# entrypoint.py, so the same lookup finds it in both.
REWRITE_TOOL = "rewrite_artifact_uris.py"

_log = logging.getLogger("mlflow-entrypoint")


class ConfigError(Exception):
    """A missing or malformed setting; the message names it and never holds a secret."""


def read_password(path: str) -> str:
    """The password in `path`, without one trailing newline (`\\n` or `\\r\\n`)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"DB_PASSWORD_FILE: no file at {path}") from None
    except OSError as exc:
        raise ConfigError(f"DB_PASSWORD_FILE: cannot read {path} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"DB_PASSWORD_FILE: {path} is not UTF-8 text") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise ConfigError(f"DB_PASSWORD_FILE: {path} is empty")
    return text


def _component(value: str) -> str:
    # safe="": every reserved character (@ : / % # ? and space) and all non-ASCII bytes are
    # percent-encoded, which SQLAlchemy's make_url and libpq both decode.
    return quote(value, safe="")


def backend_uri(env: Mapping[str, str], *, database: str | None = None) -> str:
    """The SQLAlchemy URI for the settings in `env` (another `database` of the same instance
    when given). Raises ConfigError naming what is wrong."""
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise ConfigError(f"missing environment variable(s): {', '.join(missing)}")
    port = env["DB_PORT"]
    if not (port.isdigit() and 0 < int(port) < 65536):
        raise ConfigError(f"DB_PORT: {port!r} is not a TCP port number")
    host = env["DB_HOST"]
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    password = read_password(env["DB_PASSWORD_FILE"])
    user = _component(env["DB_USER"])
    name = _component(database or env["DB_NAME"])
    return f"{DRIVER}://{user}:{_component(password)}@{host}:{port}/{name}"


def upgrade_auth(uri: str, auth_uri: str, auth_db: str) -> None:
    """Create MLflow's auth database in the same instance if missing, then migrate it to head.

    Cloud SQL's built-in users may CREATE DATABASE (cloudsqlsuperuser); the caller holds the
    migration lock, so two pods never race to create it.
    """
    import sqlalchemy
    from mlflow.store.db import utils

    engine = utils.create_sqlalchemy_engine_with_retry(uri)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            found = conn.execute(
                sqlalchemy.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": auth_db},
            ).first()
            if found is None:
                _log.info("creating the auth database %s", auth_db)
                quoted = conn.dialect.identifier_preparer.quote(auth_db)
                conn.execute(sqlalchemy.text(f"CREATE DATABASE {quoted}"))
    finally:
        engine.dispose()
    from mlflow.server.auth.db import utils as auth_utils

    auth_engine = utils.create_sqlalchemy_engine_with_retry(auth_uri)
    try:
        _log.info("migrating the auth database to the head revision")
        auth_utils.migrate(auth_engine, "head")
    finally:
        auth_engine.dispose()


def upgrade(uri: str, auth: tuple[str, str] | None = None) -> None:
    """Create the schema on an empty database or migrate it to this MLflow's head, serialized
    (and the auth database, `auth` = (its URI, its name), under the same lock)."""
    import sqlalchemy
    from mlflow.store.db import utils

    engine = utils.create_sqlalchemy_engine_with_retry(uri)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock_conn:
            _log.info("waiting for the migration lock (advisory lock %d)", MIGRATION_LOCK_KEY)
            lock_conn.execute(
                sqlalchemy.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
            try:
                if utils._is_empty_database(engine):
                    _log.info("empty database: creating the schema")
                    utils._initialize_tables(engine)
                elif utils._all_tables_exist(engine):
                    _log.info("migrating the schema to the head revision")
                    utils._upgrade_db(engine)
                else:
                    # A schema that predates some of this MLflow's tables (a 1.x database, or
                    # one a few releases old): what SqlAlchemyStore does on start-up, i.e. the
                    # initial tables where missing, then alembic from the stored revision.
                    _log.info(
                        "schema at revision %s of an older MLflow: migrating it to the head "
                        "revision",
                        utils._get_schema_version(engine),
                    )
                    utils._initialize_tables(engine)
                utils._verify_schema(engine)
                apply_project_tuning(engine)
                if auth is not None:
                    upgrade_auth(uri, *auth)
            finally:
                lock_conn.execute(
                    sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
    finally:
        engine.dispose()
    _log.info("schema is at the head revision")


def apply_project_tuning(engine: Any) -> None:
    """PROJECT_INDEXES where missing and PROJECT_SETTINGS (idempotent; the caller holds the
    migration lock). A plain CREATE INDEX blocks writes to its table while it builds: well
    under a second for 100,000 runs, once. The settings apply to new sessions."""
    import sqlalchemy

    with engine.begin() as conn:
        for index in PROJECT_INDEXES:
            conn.execute(sqlalchemy.text(index.ddl))
        for name, value in PROJECT_SETTINGS:
            conn.execute(sqlalchemy.text(f"ALTER ROLE CURRENT_USER SET {name} = {value}"))
    _log.info(
        "project tuning applied: indexes %s; settings %s",
        ", ".join(i.name for i in PROJECT_INDEXES),
        ", ".join(f"{n}={v}" for n, v in PROJECT_SETTINGS),
    )


def exec_server(args: Sequence[str], env: Mapping[str, str]) -> NoReturn:
    """Replace this process with `mlflow server` (PID 1 stays the server: signals reach it)."""
    argv = [sys.executable, "-m", "mlflow", "server", *args]
    os.execve(sys.executable, argv, dict(env))  # noqa: S606 - no shell: argv is passed as is


def exec_rewrite_tool(args: Sequence[str], env: Mapping[str, str]) -> NoReturn:
    """Replace this process with the artifact-URI rewrite tool (its exit code is ours)."""
    tool = str(Path(__file__).resolve().with_name(REWRITE_TOOL))
    os.execve(sys.executable, [sys.executable, tool, *args], dict(env))  # noqa: S606


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    commands = {"db", "server", "rewrite-artifact-uris"}
    if not args or (args[0] == "db" and args[1:] != ["upgrade"]) or args[0] not in commands:
        print(USAGE, file=sys.stderr)
        return 2
    env = dict(os.environ)
    auth_db = env.get("AUTH_DB_NAME") or None
    try:
        env[URI_ENV] = backend_uri(env)
        if auth_db is not None:
            env[AUTH_URI_ENV] = backend_uri(env, database=auth_db)
    except ConfigError as exc:
        print(f"mlflow-entrypoint: {exc}", file=sys.stderr)
        return 2
    if args[0] == "db":
        upgrade(env[URI_ENV], (env[AUTH_URI_ENV], auth_db) if auth_db is not None else None)
        return 0
    if args[0] == "rewrite-artifact-uris":
        exec_rewrite_tool(args[1:], env)
    server_args = args[1:]
    if env.get("SERVER_APP_NAME") and "--app-name" not in server_args:
        server_args = ["--app-name", env["SERVER_APP_NAME"], *server_args]
    exec_server(server_args, env)


if __name__ == "__main__":
    sys.exit(main())
