"""Who owns MLflow's tables: a NOLOGIN role (DB_OWNER_ROLE), of which every login is a member.

Why a role of its own: with IAM database authentication the login is the pods' service account,
which Cloud SQL creates with no privileges (https://cloud.google.com/sql/docs/postgres/iam-logins);
a deployment made with the generated password has its tables owned by the built-in user. Giving
them to a role both logins belong to lets the login change without moving a table again, and
every session the entry point opens acts as that role (backend.backend_uri), so that what a
migration creates belongs to it too.

The handover runs in `db upgrade` while the password login exists (the login owns the tables and,
as Cloud SQL's built-in users do, holds CREATEROLE): the role is created if missing, the login
and the IAM user become members, and everything the login owns in the database goes to the role
(REASSIGN OWNED: the tables, sequences, indexes, the auth database itself). Idempotent: each
deploy in password mode runs it again, after which switching to `database.auth: iam` is safe. In
IAM mode `db upgrade` only checks that the handover happened, and says what to do if not.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlflow_entrypoint.contract import DB_OWNER_ROLE_ENV, PROGRAM
from mlflow_entrypoint.errors import ConfigError

_log = logging.getLogger(PROGRAM)


def _quote(conn: Any, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


@dataclass(frozen=True)
class Ownership:
    """owner: the role (DB_OWNER_ROLE). members: logins to add besides the current one (the IAM
    user, from a password login). can_hand_over: the login is the password one (it owns the
    tables and may create roles); False: IAM, which only checks."""

    owner: str
    members: Sequence[str] = ()
    can_hand_over: bool = True

    def prepare(self, login_uri: str) -> None:
        """Under the migration lock, before MLflow's migrations: the handover, or its check."""
        if self.can_hand_over:
            hand_over(login_uri, self.owner, self.members)
        else:
            check_member(login_uri, self.owner)


def _engine(uri: str) -> Any:
    from mlflow.store.db import utils

    return utils.create_sqlalchemy_engine_with_retry(uri)


def hand_over(login_uri: str, owner: str, members: Sequence[str]) -> None:
    """As the login that owns MLflow's objects in this database: `owner` exists, the login and
    `members` (those that exist) belong to it, it may create in schema public, and it owns all
    the login owned."""
    import sqlalchemy

    engine = _engine(login_uri)
    try:
        with engine.begin() as conn:
            role = _quote(conn, owner)
            found = conn.execute(
                sqlalchemy.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": owner}
            ).first()
            if found is None:
                _log.info("creating the owner role %s", owner)
                conn.execute(sqlalchemy.text(f"CREATE ROLE {role} NOLOGIN"))
            login = conn.execute(sqlalchemy.text("SELECT current_user")).scalar_one()
            for member in (login, *members):
                # USAGE: the role's privileges, not just a membership: on PostgreSQL 16+ the
                # creator of a role holds an ADMIN OPTION grant of it that inherits nothing.
                exists = conn.execute(
                    sqlalchemy.text(
                        "SELECT pg_has_role(:m, :r, 'USAGE') FROM pg_roles WHERE rolname = :m"
                    ),
                    {"m": member, "r": owner},
                ).first()
                if exists is None:
                    _log.warning("no database user %s yet: not made a member of %s", member, owner)
                elif not exists[0]:
                    _log.info("making %s a member of %s", member, owner)
                    conn.execute(sqlalchemy.text(f"GRANT {role} TO {_quote(conn, member)}"))
            conn.execute(sqlalchemy.text(f"GRANT USAGE, CREATE ON SCHEMA public TO {role}"))
            conn.execute(sqlalchemy.text(f"REASSIGN OWNED BY CURRENT_USER TO {role}"))
            database = conn.execute(sqlalchemy.text("SELECT current_database()")).scalar_one()
        _log.info("%s owns what %s owned in %s", owner, login, database)
    finally:
        engine.dispose()


def check_member(login_uri: str, owner: str) -> None:
    """The IAM login is a member of `owner`, else a ConfigError saying how to get there."""
    import sqlalchemy

    engine = _engine(login_uri)
    try:
        with engine.connect() as conn:
            login = conn.execute(sqlalchemy.text("SELECT current_user")).scalar_one()
            row = conn.execute(
                sqlalchemy.text(
                    "SELECT pg_has_role(current_user, oid, 'USAGE') FROM pg_roles "
                    "WHERE rolname = :r"
                ),
                {"r": owner},
            ).first()
    finally:
        engine.dispose()
    if row is None or not row[0]:
        state = "does not exist" if row is None else f"has no member {login}"
        raise ConfigError(
            f"{DB_OWNER_ROLE_ENV}: the role {owner} {state}: MLflow's tables were never handed "
            "over to it. Deploy once with database.auth: password (its db-migrate hands them "
            "over), then switch to iam (docs/enterprise.md: No database password)"
        )
    _log.info("%s acts as the owner role %s", login, owner)
