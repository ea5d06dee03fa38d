"""`mlflow-entrypoint db upgrade`: the schema created or migrated in-process, one pod at a time.

Replicas (or a rollout's old and new pods) that start together would race through MLflow's
migrations; a PostgreSQL advisory lock makes them run one after the other. Under the same lock
come the project's tuning (mlflow_entrypoint.tuning), the auth mode's database when there is
one, and the re-wrap of stored secrets still under an older KEK (mlflow_entrypoint.rewrap).
"""

from __future__ import annotations

import logging
import zlib

from mlflow_entrypoint.contract import PROGRAM
from mlflow_entrypoint.kek import KekFile
from mlflow_entrypoint.rewrap import log_rewrap, rewrap_secrets
from mlflow_entrypoint.tuning import apply_project_tuning

# pg_advisory_lock takes a bigint; any constant works as long as every replica uses the same.
# A literal, not built from the contract's names: a rename must not change the key that a
# rollout's old pods still take.
MIGRATION_LOCK_KEY = zlib.crc32(b"mlflow-entrypoint db upgrade")

_log = logging.getLogger(PROGRAM)


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
                log_rewrap(report, kek.current.version)
            finally:
                lock_conn.execute(
                    sqlalchemy.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
    finally:
        engine.dispose()
    _log.info("schema is at the head revision")
