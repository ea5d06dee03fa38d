"""A database's rows, kept and put back: a fresh server's state for every test of a suite that
expects one (MLflow's REST tests start a new server on a new database each time).

`DatabaseSnapshot.take` copies every table of the public schema (COPY, binary) and the
sequences' positions; `restore` empties those tables in one transaction (TRUNCATE ... RESTART
IDENTITY CASCADE), copies the rows back with foreign keys unchecked (session_replication_role
replica, so that the order of the tables does not matter) and sets the sequences where they
were. The schema itself (alembic's revision included) is never touched. It connects as the
cluster's superuser over its socket, as the harness's other database work does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support.postgres import PostgresServer

# Alembic's revision tables: migrations own them, and nothing a test does changes them.
KEPT = ("alembic_version", "alembic_version_auth")


def _quoted(name: str) -> Any:
    from psycopg import sql

    return sql.Identifier("public", name)


@dataclass
class DatabaseSnapshot:
    pg: PostgresServer
    database: str
    rows: dict[str, bytes] = field(default_factory=dict)  # table -> COPY BINARY data
    sequences: dict[str, tuple[int, bool]] = field(default_factory=dict)

    @classmethod
    def take(cls, pg: PostgresServer, database: str) -> DatabaseSnapshot:
        snapshot = cls(pg, database)
        from psycopg import sql

        with pg.connect(database) as conn:
            tables = [
                str(name)
                for (name,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                ).fetchall()
                if name not in KEPT
            ]
            for table in tables:
                with conn.cursor().copy(
                    sql.SQL("COPY {} TO STDOUT (FORMAT BINARY)").format(_quoted(table))
                ) as copy:
                    snapshot.rows[table] = b"".join(bytes(chunk) for chunk in copy)
            for (name,) in conn.execute(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall():
                ((last, called),) = conn.execute(
                    sql.SQL("SELECT last_value, is_called FROM {}").format(_quoted(str(name)))
                ).fetchall()
                snapshot.sequences[str(name)] = (int(last), bool(called))
        return snapshot

    @property
    def tables(self) -> list[str]:
        return sorted(self.rows)

    def restore(self) -> None:
        from psycopg import sql

        with self.pg.connect(self.database) as conn, conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            if self.rows:
                conn.execute(
                    sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                        sql.SQL(", ").join(_quoted(t) for t in self.tables)
                    )
                )
            for table, data in self.rows.items():
                # An empty table's binary COPY is a header and a trailer, no row.
                with conn.cursor().copy(
                    sql.SQL("COPY {} FROM STDIN (FORMAT BINARY)").format(_quoted(table))
                ) as copy:
                    copy.write(data)
            for name, (last, called) in self.sequences.items():
                conn.execute("SELECT setval(%s, %s, %s)", (f"public.{name}", last, called))

    def row_counts(self) -> dict[str, int]:
        """Rows per table now (to prove a restore)."""
        from psycopg import sql

        counts: dict[str, int] = {}
        with self.pg.connect(self.database) as conn:
            for table in self.tables:
                row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(_quoted(table)))
                counts[table] = int(row.fetchone()[0])
        return counts
