"""Who owns MLflow's tables: a NOLOGIN role (DB_OWNER_ROLE), of which every login is a member.

Why a role of its own: with IAM database authentication the login is the pods' service account,
which Cloud SQL creates with no privileges (https://cloud.google.com/sql/docs/postgres/iam-logins);
a deployment made with the generated password has its tables owned by the built-in user. Giving
them to a role both logins belong to lets the login change without moving a table again, and
every session the entry point opens acts as that role (backend.backend_uri), so that what a
migration creates belongs to it too.

Two ways to get there, both idempotent and both under the migration lock:

* the handover, in `db upgrade` with the password login (it owns the tables and, as Cloud SQL's
  built-in users do, holds CREATEROLE): the role is created if missing, the login and the IAM
  user become members, and everything the login owns in the database goes to the role
  (REASSIGN OWNED: the tables, sequences, indexes, the auth database itself);
* the bootstrap, in `db upgrade` with the IAM login while it holds Cloud SQL's
  `cloudsqlsuperuser` role, which `make apply` grants for that one Job through the Admin API and
  takes back right after (ops/db_bootstrap.py; `gcloud sql users assign-roles`,
  https://cloud.google.com/sdk/gcloud/reference/sql/users/assign-roles). No password exists at
  any point: a brand-new instance gets the role, and an instance a password deployment made gets
  its built-in login's objects too (the Admin API makes that login's role the IAM user's for the
  step, so REASSIGN OWNED may move them).

Without either, IAM mode only checks that the IAM login is a member, and says what to do if not.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mlflow_entrypoint.bootstrap import ELEVATION_ROLE, bootstrap, is_elevated
from mlflow_entrypoint.contract import DB_OWNER_ROLE_ENV, PROGRAM
from mlflow_entrypoint.errors import ConfigError

_log = logging.getLogger(PROGRAM)


def _quote(conn: Any, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


@dataclass(frozen=True)
class Ownership:
    """owner: the role (DB_OWNER_ROLE). members: logins to add besides the current one (the IAM
    user, from a password login). can_hand_over: the login is the password one (it owns the
    tables and may create roles); False: IAM, which bootstraps while elevated, else checks.
    builtin_login: IAM only, the password login of an earlier deployment (DB_BUILTIN_USER),
    whose objects the bootstrap gives to the owner role when it may."""

    owner: str
    members: Sequence[str] = ()
    can_hand_over: bool = True
    builtin_login: str | None = None

    def prepare(self, login_uri: str) -> None:
        """Under the migration lock, before MLflow's migrations: the handover, the bootstrap, or
        the check."""
        if self.can_hand_over:
            hand_over(login_uri, self.owner, self.members)
        elif is_elevated(login_uri):
            bootstrap(login_uri, self.owner, self.builtin_login)
        else:
            check_member(login_uri, self.owner)

    def prepare_auth(self, login_uri: str) -> None:
        """The same in the auth database (membership is the instance's: checked once)."""
        if self.can_hand_over:
            hand_over(login_uri, self.owner, self.members)
        elif is_elevated(login_uri):
            bootstrap(login_uri, self.owner, self.builtin_login)


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
            f"{DB_OWNER_ROLE_ENV}: the role {owner} {state}: the database was never bootstrapped "
            f"for IAM login. Run make apply, whose first step (ops/db_bootstrap.py) lends {login} "
            f"Cloud SQL's {ELEVATION_ROLE} role for one db-migrate Job and takes it back "
            "(docs/enterprise.md: No database password)"
        )
    _log.info("%s acts as the owner role %s", login, owner)
