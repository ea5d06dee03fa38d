"""`mlflow-entrypoint db upgrade` adds the project's tuning after MLflow's migrations.

bench/tracking_scale.py measures what it changes; here: the indexes and the role's settings
are in place after dist/'s db-migrate, a second run keeps exactly one index of each, and the
server's own sessions run with the settings.
"""

from __future__ import annotations

import pytest
from mlflow_entrypoint.tuning import PROJECT_INDEXES, PROJECT_SETTINGS

from tests.e2e.conftest import MIGRATE, Cluster

pytestmark = pytest.mark.e2e


def _indexes(cluster: Cluster) -> list[tuple[str, str]]:
    return cluster.pg.query(
        cluster.database,
        "SELECT tablename, indexdef FROM pg_indexes WHERE indexname = ANY(%s) ORDER BY indexname",
        [i.name for i in PROJECT_INDEXES],
    )


def test_indexes_exist_after_db_migrate(cluster: Cluster) -> None:
    assert "project tuning applied: " in cluster.migrate_log
    found = _indexes(cluster)
    assert len(found) == len(PROJECT_INDEXES)
    for index, (table, ddl) in zip(
        sorted(PROJECT_INDEXES, key=lambda i: i.name), found, strict=True
    ):
        assert table == index.table
        assert ddl.endswith(f"({', '.join(index.columns)})")


def test_settings_are_the_roles_defaults(cluster: Cluster) -> None:
    ((config,),) = cluster.pg.query(
        "postgres",
        "SELECT rolconfig FROM pg_roles WHERE rolname = %s",
        cluster.settings.names.db_user,
    )
    for name, value in PROJECT_SETTINGS:
        assert f"{name}={value}" in (config or []), config


def test_a_second_db_migrate_keeps_one_of_each(cluster: Cluster) -> None:
    again = cluster.pod.run_to_completion(MIGRATE)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "project tuning applied: " in again.stdout + again.stderr
    assert len(_indexes(cluster)) == len(PROJECT_INDEXES)
    ((config,),) = cluster.pg.query(
        "postgres",
        "SELECT rolconfig FROM pg_roles WHERE rolname = %s",
        cluster.settings.names.db_user,
    )
    assert len(config) == len(PROJECT_SETTINGS), config


def test_the_servers_sessions_use_the_settings(cluster: Cluster) -> None:
    """A session of the server's own user (as the server opens them) sees the defaults."""
    import psycopg
    from psycopg import sql

    env = cluster.pod.resolve(MIGRATE).env
    with psycopg.connect(
        host=env["DB_HOST"],
        port=int(env["DB_PORT"]),
        user=env["DB_USER"],
        dbname=env["DB_NAME"],
        password=cluster.password,
    ) as conn:
        for name, value in PROJECT_SETTINGS:
            (shown,) = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone() or (
                "",
            )
            assert shown == value
