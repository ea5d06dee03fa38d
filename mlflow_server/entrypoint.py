#!/usr/bin/env python3
"""`mlflow-entrypoint`: the server image's entry point.

It assembles the PostgreSQL backend URI from the pod's environment and a mounted password file,
and reads the KEK passphrase that MLflow encrypts users' stored secrets with (AI gateway API
keys) from a second mounted file, so that neither ever appears in a manifest, in argv (visible
in `ps` and in the pod spec) or in a log line, then either

* `mlflow-entrypoint db upgrade`: creates or migrates the schema in-process, holding a
  PostgreSQL advisory lock so that replicas (or a rollout's old and new pods) that start
  together run one migration after the other instead of racing; under the same lock it
  applies the project's tuning (PROJECT_INDEXES, PROJECT_SETTINGS), migrates the auth mode's
  database when there is one, and re-wraps every stored secret that is still under an older
  passphrase (a rotation, or MLflow's built-in default one) with the current passphrase, as
  `mlflow crypto rotate-kek` does; or
* `mlflow-entrypoint server [mlflow server options...]`: execs `mlflow server` with the URI in
  MLFLOW_BACKEND_STORE_URI (which the CLI reads as --backend-store-uri) and the passphrase in
  MLFLOW_CRYPTO_KEK_PASSPHRASE / MLFLOW_CRYPTO_KEK_VERSION, in the server's environment only;
* `mlflow-entrypoint gc [mlflow gc options...]`: runs `mlflow gc` in this process with the URI
  in its environment, and with proxied artifacts (`mlflow-artifacts:` URIs) resolved against
  MLFLOW_ARTIFACTS_DESTINATION, as the server resolves them, so that the bucket's objects go
  with the rows (`resolve_proxied_artifacts`); or
* `mlflow-entrypoint rewrite-artifact-uris [options...]`: execs the image's second program,
  rewrite_artifact_uris.py (next to this file), with the URI in the same variable: the
  operator's tool for moving stored artifact locations to a new bucket (`kubectl exec` into
  the server container, which has the proxy and the password file).

Environment:
  DB_USER, DB_NAME, DB_HOST, DB_PORT  the connection (DB_HOST is the Auth Proxy, 127.0.0.1)
  DB_PASSWORD_FILE                    a file holding the password (one trailing newline is
                                      stripped, as `echo` and most secret stores add one)
  KEK_PASSPHRASE_FILE                 a file holding the passphrase as infra/kek.py writes it:
                                      {"version": N, "passphrase": "...", "previous": [...]}
  AUTH_DB_NAME                        optional: MLflow's users and permissions database in the
                                      same instance. `db upgrade` creates and migrates it;
                                      `server` gets its URI in IAP_AUTH_DATABASE_URI
  SERVER_APP_NAME                     optional: `mlflow server --app-name` (iap-auth)
"""

from __future__ import annotations

import json
import logging
import os
import sys
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote, urlparse

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
    "usage: mlflow-entrypoint db upgrade | mlflow-entrypoint server [mlflow server options] | "
    "mlflow-entrypoint gc [mlflow gc options] | "
    "mlflow-entrypoint rewrite-artifact-uris --map OLD=NEW [--apply]"
)
# `mlflow gc` options the entry point sets itself: refused on its command line.
GC_OWNED_OPTIONS = ("--backend-store-uri", "--tracking-uri", "--artifacts-destination")
ARTIFACTS_DESTINATION_ENV = "MLFLOW_ARTIFACTS_DESTINATION"
KEK_FILE_ENV = "KEK_PASSPHRASE_FILE"
# What MLflow reads (mlflow/utils/crypto.py); set for the server process only.
PASSPHRASE_ENV = "MLFLOW_CRYPTO_KEK_PASSPHRASE"  # noqa: S105 - a variable's name
KEK_VERSION_ENV = "MLFLOW_CRYPTO_KEK_VERSION"
# MLflow's advice for the passphrase: "high-entropy (32+ characters) from a secrets manager".
MIN_PASSPHRASE_LENGTH = 32


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


@dataclass(frozen=True)
class Kek:
    """One KEK passphrase and the version MLflow folds into its key derivation."""

    version: int
    passphrase: str = field(repr=False)


@dataclass(frozen=True)
class KekFile:
    """The passphrase file: the current KEK, and the ones stored secrets may still be under."""

    current: Kek
    previous: tuple[Kek, ...] = ()

    def server_env(self) -> dict[str, str]:
        return {PASSPHRASE_ENV: self.current.passphrase, KEK_VERSION_ENV: str(self.current.version)}


def _kek(item: Any, where: str) -> Kek:
    if not isinstance(item, dict):
        raise ConfigError(f"{KEK_FILE_ENV}: {where} must be an object with version and passphrase")
    version, passphrase = item.get("version"), item.get("passphrase")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigError(f"{KEK_FILE_ENV}: {where}.version must be an integer of 1 or more")
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ConfigError(
            f"{KEK_FILE_ENV}: {where}.passphrase must be a string of at least "
            f"{MIN_PASSPHRASE_LENGTH} characters"
        )
    return Kek(version=version, passphrase=passphrase)


def read_kek(path: str) -> KekFile:
    """The KEK file at `path`. Errors name the file and the rule, never its content."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{KEK_FILE_ENV}: no file at {path}") from None
    except OSError as exc:
        raise ConfigError(f"{KEK_FILE_ENV}: cannot read {path} ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ConfigError(f"{KEK_FILE_ENV}: {path} is not a JSON document") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{KEK_FILE_ENV}: {path} must hold a JSON object")
    current = _kek(data, "the document")
    previous_items = data.get("previous", [])
    if not isinstance(previous_items, list):
        raise ConfigError(f"{KEK_FILE_ENV}: previous must be a list")
    previous = tuple(_kek(item, f"previous[{i}]") for i, item in enumerate(previous_items))
    if any(p.version == current.version for p in previous):
        raise ConfigError(f"{KEK_FILE_ENV}: previous repeats the current version {current.version}")
    return KekFile(current=current, previous=previous)


def kek_file(env: Mapping[str, str]) -> KekFile:
    path = env.get(KEK_FILE_ENV)
    if not path:
        raise ConfigError(
            f"missing environment variable(s): {KEK_FILE_ENV} (without the passphrase MLflow "
            "encrypts stored secrets with its built-in default one)"
        )
    return read_kek(path)


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


@dataclass
class Rewrap:
    """What `rewrap_secrets` did: how many secrets it re-wrapped, which it could not open."""

    rewrapped: int = 0
    unreadable: list[str] = field(default_factory=list)


def rewrap_secrets(connection: Any, kek: KekFile) -> Rewrap:
    """Re-wrap each stored secret's data key with the current KEK, in the caller's transaction.

    A secret that the current KEK opens is left as it is. One that it does not open is tried
    with the previous passphrases of its own recorded version and with MLflow's built-in default
    passphrase (what a server without MLFLOW_CRYPTO_KEK_PASSPHRASE wrapped with); the first that
    opens it wins, and MLflow's `rotate_secret_encryption` (what `mlflow crypto rotate-kek` runs)
    re-wraps it. The secret values themselves are never decrypted. A secret no known passphrase
    opens is listed, by name, in the result.
    """
    import sqlalchemy
    from mlflow.exceptions import MlflowException
    from mlflow.utils.crypto import (
        DEFAULT_KEK_PASSPHRASE,
        KEKManager,
        rotate_secret_encryption,
        unwrap_dek,
    )

    rows = connection.execute(
        sqlalchemy.text(
            "SELECT secret_id, secret_name, encrypted_value, wrapped_dek, kek_version FROM secrets"
        )
    ).all()
    result = Rewrap()
    if not rows:
        return result  # nothing to derive: PBKDF2 runs only when there are secrets
    managers: dict[tuple[str, int], Any] = {}

    def manager(passphrase: str, version: int) -> Any:
        if (passphrase, version) not in managers:
            managers[(passphrase, version)] = KEKManager(passphrase=passphrase, kek_version=version)
        return managers[(passphrase, version)]

    def opens(wrapped_dek: bytes, candidate: Any) -> bool:
        try:
            unwrap_dek(wrapped_dek, candidate.get_kek())
        except MlflowException:  # AES-GCM's tag check failed: not this KEK
            return False
        return True

    current = manager(kek.current.passphrase, kek.current.version)
    for secret_id, name, encrypted_value, wrapped, version in rows:
        if opens(bytes(wrapped), current):
            continue
        candidates = [p.passphrase for p in kek.previous if p.version == version]
        for passphrase in [*candidates, DEFAULT_KEK_PASSPHRASE]:
            older = manager(passphrase, version)
            if not opens(bytes(wrapped), older):
                continue
            rotated = rotate_secret_encryption(
                bytes(encrypted_value), bytes(wrapped), older, current
            )
            connection.execute(
                sqlalchemy.text(
                    "UPDATE secrets SET wrapped_dek = :dek, kek_version = :version "
                    "WHERE secret_id = :id"
                ),
                {"dek": rotated.wrapped_dek, "version": current.kek_version, "id": secret_id},
            )
            result.rewrapped += 1
            break
        else:
            result.unreadable.append(name)
    return result


def upgrade(uri: str, kek: KekFile, auth: tuple[str, str] | None = None) -> None:
    """Create the schema on an empty database or migrate it to this MLflow's head, serialized;
    then, under the same lock, the project's tuning, the auth database (`auth` = (its URI, its
    name)) and every stored secret under the current KEK (`rewrap_secrets`)."""
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
                with engine.begin() as connection:  # one transaction: all re-wrapped, or none
                    report = rewrap_secrets(connection, kek)
                _log_rewrap(report, kek.current.version)
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


def _log_rewrap(report: Rewrap, version: int) -> None:
    if report.rewrapped:
        _log.info("re-wrapped %d stored secret(s) under KEK version %d", report.rewrapped, version)
    if report.unreadable:
        # Not fatal: the server still starts, and these secrets' users re-enter them. The names
        # tell an operator which ones; a database restored from before two rotations is the
        # usual cause (README: Rotate the secrets passphrase).
        _log.error(
            "%d stored secret(s) open with no known KEK passphrase (current, previous, MLflow's "
            "default) and stay unusable: %s",
            len(report.unreadable),
            ", ".join(sorted(report.unreadable)),
        )


def resolve_proxied_artifacts(destination: str) -> None:
    """Resolve `mlflow-artifacts:/<path>` to `<destination>/<path>` in this process.

    MLflow's own `mlflow-artifacts` repository sends every request to a tracking server over
    HTTP and refuses a database tracking URI, so `mlflow gc` with the backend store alone fails
    on the first proxied run ("the tracking URI must be a valid http or https URI"); with
    `--artifacts-destination` it still resolves run artifacts through that repository (the
    option only sets the store's default root). The server maps the path onto its
    --artifacts-destination (mlflow/server/handlers.py, _get_artifact_repo_mlflow_artifacts):
    this does the same, directly, with the pod's Google credentials.
    """
    from mlflow.store.artifact import artifact_repository_registry as registry
    from mlflow.utils.uri import validate_path_is_safe

    root = destination.rstrip("/")

    def repository(artifact_uri: str, tracking_uri: Any = None, registry_uri: Any = None) -> Any:
        path = urlparse(artifact_uri).path.lstrip("/")
        target = f"{root}/{validate_path_is_safe(path)}" if path else root
        return registry.get_artifact_repository(target, tracking_uri, registry_uri)

    registry._artifact_repository_registry.register("mlflow-artifacts", repository)


def run_gc(args: Sequence[str], env: Mapping[str, str]) -> int:
    """`mlflow gc` in this process (argv stays `mlflow-entrypoint gc ...`: no URI in it)."""
    import click

    owned = [a.split("=", 1)[0] for a in args if a.split("=", 1)[0] in GC_OWNED_OPTIONS]
    if owned:
        print(f"mlflow-entrypoint: {owned[0]} is set by the entry point", file=sys.stderr)
        return 2
    destination = env.get(ARTIFACTS_DESTINATION_ENV)
    if not destination:
        print(
            f"mlflow-entrypoint: missing environment variable(s): {ARTIFACTS_DESTINATION_ENV}",
            file=sys.stderr,
        )
        return 2
    # Before MLflow's CLI is imported: its --tracking-uri default is read at import time.
    os.environ.update({URI_ENV: env[URI_ENV], "MLFLOW_TRACKING_URI": env[URI_ENV]})
    resolve_proxied_artifacts(destination)
    from mlflow.cli import cli

    try:
        cli.main(args=["gc", *args], prog_name="mlflow gc", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except Exception as exc:  # one line, no traceback: a driver's message may quote the URI
        message = _redact(f"{type(exc).__name__}: {exc}", env)
        print(f"mlflow-entrypoint: mlflow gc failed: {message}", file=sys.stderr)
        return 1
    return 0


def _redact(text: str, env: Mapping[str, str]) -> str:
    """`text` without the backend URI or the password, raw or percent-encoded."""
    password = read_password(env["DB_PASSWORD_FILE"])
    for secret in (env[URI_ENV], _component(password), password):
        text = text.replace(secret, "***")
    return text


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
    commands = {"db", "server", "gc", "rewrite-artifact-uris"}
    if not args or (args[0] == "db" and args[1:] != ["upgrade"]) or args[0] not in commands:
        print(USAGE, file=sys.stderr)
        return 2
    env = dict(os.environ)
    auth_db = env.get("AUTH_DB_NAME") or None
    try:
        env[URI_ENV] = backend_uri(env)
        if auth_db is not None:
            env[AUTH_URI_ENV] = backend_uri(env, database=auth_db)
        if args[0] == "gc":  # stored secrets stay as they are: no passphrase needed
            return run_gc(args[1:], env)
        if args[0] == "rewrite-artifact-uris":  # nor here: it rewrites locations only
            exec_rewrite_tool(args[1:], env)
        kek = kek_file(env)
    except ConfigError as exc:
        print(f"mlflow-entrypoint: {exc}", file=sys.stderr)
        return 2
    if args[0] == "db":
        upgrade(env[URI_ENV], kek, (env[AUTH_URI_ENV], auth_db) if auth_db is not None else None)
        return 0
    server_args = args[1:]
    if env.get("SERVER_APP_NAME") and "--app-name" not in server_args:
        server_args = ["--app-name", env["SERVER_APP_NAME"], *server_args]
    exec_server(server_args, {**env, **kek.server_env()})


if __name__ == "__main__":
    sys.exit(main())
