"""`mlflow-entrypoint db upgrade`: the schema created or migrated in-process, one pod at a time.

Replicas (or a rollout's old and new pods) that start together would race through MLflow's
migrations; a PostgreSQL advisory lock makes them run one after the other. Under the same lock
come the project's tuning (mlflow_entrypoint.tuning), the auth mode's database when there is
one, and the re-wrap of stored secrets still under an older KEK (mlflow_entrypoint.rewrap).
"""

from __future__ import annotations

import logging
import zlib
from dataclasses import dataclass

from mlflow_entrypoint.bootstrap import creator_role
from mlflow_entrypoint.contract import PROGRAM
from mlflow_entrypoint.kek import KekFile
from mlflow_entrypoint.ownership import Ownership
from mlflow_entrypoint.rewrap import log_rewrap, rewrap_secrets
from mlflow_entrypoint.tuning import apply_project_tuning

# pg_advisory_lock takes a bigint; any constant works as long as every replica uses the same.
# A literal, not built from the contract's names: a rename must not change the key that a
# rollout's old pods still take.
MIGRATION_LOCK_KEY = zlib.crc32(b"mlflow-entrypoint db upgrade")

_log = logging.getLogger(PROGRAM)


@dataclass(frozen=True)
class AuthDatabase:
    """The auth mode's database: its name, its URI (as the owner role when there is one) and
    the login's own URI of it (the handover runs there)."""

    name: str
    uri: str
    login_uri: str


def upgrade_auth(login_uri: str, auth: AuthDatabase, ownership: Ownership | None) -> None:
    """Create MLflow's auth database in the same instance if missing, then migrate it to head.

    Cloud SQL's built-in users may CREATE DATABASE (cloudsqlsuperuser); the caller holds the
    migration lock, so two pods never race to create it. It is created by the login (the owner
    role has no CREATEDB), or by an IAM login acting as cloudsqlsuperuser while the bootstrap
    lends it (mlflow_entrypoint.bootstrap), then given to, or opened to, the owner role.
    """
    import sqlalchemy
    from mlflow.store.db import utils

    engine = utils.create_sqlalchemy_engine_with_retry(login_uri)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            found = conn.execute(
                sqlalchemy.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": auth.name},
            ).first()
            if found is None:
                creator = creator_role(conn)  # an IAM login has no CREATEDB of its own
                _log.info("creating the auth database %s", auth.name)
                quoted = conn.dialect.identifier_preparer.quote(auth.name)
                if creator is not None:
                    conn.execute(sqlalchemy.text(f'SET ROLE "{creator}"'))
                conn.execute(sqlalchemy.text(f"CREATE DATABASE {quoted}"))
                if creator is not None:
                    conn.execute(sqlalchemy.text("RESET ROLE"))
    finally:
        engine.dispose()
    if ownership is not None:
        ownership.prepare_auth(auth.login_uri)
    from mlflow.server.auth.db import utils as auth_utils

    auth_engine = utils.create_sqlalchemy_engine_with_retry(auth.uri)
    try:
        _log.info("migrating the auth database to the head revision")
        auth_utils.migrate(auth_engine, "head")
    finally:
        auth_engine.dispose()


def upgrade(
    uri: str,
    kek: KekFile,
    auth: AuthDatabase | None = None,
    *,
    login_uri: str | None = None,
    ownership: Ownership | None = None,
) -> None:
    """Create the schema on an empty database or migrate it to this MLflow's head, serialized;
    then, under the same lock, the project's tuning, the auth database and every stored secret
    under the current KEK (`rewrap_secrets`).

    uri: the sessions that migrate (as the owner role when there is one). login_uri: the
    login's own sessions, which take the lock and run `ownership` first (the handover to the
    owner role, or its check). Default: `uri`, no ownership step.
    """
    import sqlalchemy
    from mlflow.store.db import utils

    login_uri = login_uri or uri
    lock_engine = utils.create_sqlalchemy_engine_with_retry(login_uri)
    engine = None
    try:
        with lock_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock_conn:
            _log.info("waiting for the migration lock (advisory lock %d)", MIGRATION_LOCK_KEY)
            lock_conn.execute(
                sqlalchemy.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
            )
            try:
                if ownership is not None:
                    ownership.prepare(login_uri)
                engine = utils.create_sqlalchemy_engine_with_retry(uri)
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
                    upgrade_auth(login_uri, auth, ownership)
                with engine.begin() as connection:  # one transaction: all re-wrapped, or none
                    report = rewrap_secrets(connection, kek)
                log_rewrap(report, kek.current.version)
            finally:
                lock_conn.execute(
                    sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
    finally:
        if engine is not None:
            engine.dispose()
        lock_engine.dispose()
    _log.info("schema is at the head revision")
