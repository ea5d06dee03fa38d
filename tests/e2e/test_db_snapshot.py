"""tests/support/db_snapshot.py: a database put back to the rows it had, foreign keys, serial
ids and all (what `make upstream-tests` does between MLflow's tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.db_snapshot import DatabaseSnapshot
from tests.support.net import free_port
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.e2e

SCHEMA = """
CREATE TABLE alembic_version (version_num text PRIMARY KEY);
CREATE TABLE experiments (id serial PRIMARY KEY, name text UNIQUE NOT NULL);
CREATE TABLE runs (id text PRIMARY KEY, experiment_id int NOT NULL REFERENCES experiments(id),
                   payload bytea);
INSERT INTO alembic_version VALUES ('head-1');
INSERT INTO experiments (name) VALUES ('Default');
INSERT INTO runs VALUES ('r0', 1, '\\x00ff'::bytea);
"""


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgresServer]:
    server = PostgresServer(port=free_port())
    try:
        server.init()
        server.start()
        with server.connect() as conn:
            conn.execute("CREATE DATABASE snap")
        with server.connect("snap") as conn:
            conn.execute(SCHEMA)
        yield server
    finally:
        server.cleanup()


def state(pg: PostgresServer) -> tuple[list[tuple[object, ...]], ...]:
    return (
        pg.query("snap", "SELECT * FROM experiments ORDER BY id"),
        pg.query("snap", "SELECT id, experiment_id, payload FROM runs ORDER BY id"),
        pg.query("snap", "SELECT * FROM alembic_version"),
    )


def test_restore_puts_back_the_rows_and_the_ids(pg: PostgresServer) -> None:
    before = state(pg)
    snapshot = DatabaseSnapshot.take(pg, "snap")
    assert snapshot.tables == ["experiments", "runs"]  # alembic's table is never touched
    with pg.connect("snap") as conn:
        conn.execute("INSERT INTO experiments (name) VALUES ('a'), ('b')")
        conn.execute("INSERT INTO runs VALUES ('r1', 3, NULL)")
        conn.execute("DELETE FROM runs WHERE id = 'r0'")
        conn.execute("UPDATE alembic_version SET version_num = 'head-2'")
    snapshot.restore()
    after = state(pg)
    assert after[:2] == before[:2]
    assert after[2] == [("head-2",)]  # the schema's revision is the migrations' business
    # The next experiment gets id 2 again, as on the fresh database.
    ((new_id,),) = pg.query("snap", "INSERT INTO experiments (name) VALUES ('c') RETURNING id")
    assert new_id == 2
    snapshot.restore()
    assert snapshot.row_counts() == {"experiments": 1, "runs": 1}
