"""The IAM login's bootstrap: what the password login's handover does (mlflow_entrypoint.ownership),
done without any password, while the login holds Cloud SQL's `cloudsqlsuperuser` role.

`make apply` (ops/db_bootstrap.py) grants that role to the IAM database user through the Admin
API (`gcloud sql users assign-roles --database-roles=cloudsqlsuperuser[,<built-in login>]`;
https://cloud.google.com/sdk/gcloud/reference/sql/users/assign-roles: "You can include
predefined Cloud SQL roles, like cloudsqlsuperuser, or your own custom roles"), runs one
db-migrate Job, and takes the role back (`--revoke-existing-roles --database-roles=<owner>`).
In that Job, and only while the role is held, `db upgrade` here:

1. creates the owner role (acting as cloudsqlsuperuser, which has CREATEROLE: attributes are not
   inherited, so SET ROLE) and makes the login a member; on PostgreSQL 16+ the creating role
   holds the ADMIN OPTION that the GRANT needs;
2. lets the owner role create in schema public (owned by the database's owner,
   cloudsqlsuperuser, on PostgreSQL 15+; a new owner of a table needs it);
3. when the login of an earlier password deployment (DB_BUILTIN_USER) exists and the Admin API
   made it one of the login's roles, gives everything it owns to the owner role (REASSIGN OWNED:
   the switch of a running deployment, with its data, and nothing copied).

Each step is idempotent: a Job re-run after a failure, or on an instance already bootstrapped,
changes nothing that is already right.
"""

from __future__ import annotations

import logging
from typing import Any

from mlflow_entrypoint.contract import PROGRAM
from mlflow_entrypoint.errors import ConfigError

_log = logging.getLogger(PROGRAM)

# Cloud SQL's predefined role: CREATEROLE and CREATEDB, owner of the databases
# google_sql_database creates (https://cloud.google.com/sql/docs/postgres/users, "Superuser
# restrictions and privileges"; an IAM user gets "no privileges on any databases":
# https://cloud.google.com/sql/docs/postgres/iam-logins).
ELEVATION_ROLE = "cloudsqlsuperuser"


def _quote(conn: Any, name: str) -> str:
    return str(conn.dialect.identifier_preparer.quote(name))


def _engine(uri: str) -> Any:
    from mlflow.store.db import utils

    return utils.create_sqlalchemy_engine_with_retry(uri)


def _may_act_as(conn: Any, role: str) -> bool:
    import sqlalchemy

    row = conn.execute(
        sqlalchemy.text(
            "SELECT pg_has_role(current_user, oid, 'SET') FROM pg_roles WHERE rolname = :r"
        ),
        {"r": role},
    ).first()
    return bool(row and row[0])


def is_elevated(login_uri: str) -> bool:
    """The login may act as cloudsqlsuperuser: the bootstrap's grant is in place."""
    engine = _engine(login_uri)
    try:
        with engine.connect() as conn:
            return _may_act_as(conn, ELEVATION_ROLE)
    finally:
        engine.dispose()


def creator_role(conn: Any) -> str | None:
    """The role to act as for CREATE DATABASE: None when the login has CREATEDB itself (a
    built-in login), cloudsqlsuperuser while an IAM login holds it; else a ConfigError."""
    import sqlalchemy

    createdb = conn.execute(
        sqlalchemy.text("SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user")
    ).scalar_one()
    if createdb:
        return None
    if _may_act_as(conn, ELEVATION_ROLE):
        return ELEVATION_ROLE
    raise ConfigError(
        "the auth database does not exist and this login may not create it: run make apply, "
        f"whose first step (ops/db_bootstrap.py) lends it {ELEVATION_ROLE} for one db-migrate Job"
    )


def _admin_of(conn: Any, owner: str) -> str | None:
    """A role the login may act as that holds the ADMIN OPTION on `owner` (its creator)."""
    import sqlalchemy

    return conn.execute(
        sqlalchemy.text(
            "SELECT a.rolname FROM pg_auth_members m "
            "JOIN pg_roles a ON a.oid = m.member JOIN pg_roles o ON o.oid = m.roleid "
            "WHERE o.rolname = :o AND m.admin_option AND pg_has_role(current_user, a.oid, 'SET') "
            "ORDER BY a.rolname = :e DESC LIMIT 1"
        ),
        {"o": owner, "e": ELEVATION_ROLE},
    ).scalar()


def bootstrap(login_uri: str, owner: str, builtin_login: str | None) -> None:
    """In the database of `login_uri`, as the elevated IAM login: `owner` exists and the login
    belongs to it, the built-in login's objects are the owner's, and the owner may create."""
    import sqlalchemy

    engine = _engine(login_uri)
    try:
        with engine.begin() as conn:
            role = _quote(conn, owner)
            login = conn.execute(sqlalchemy.text("SELECT current_user")).scalar_one()
            found = conn.execute(
                sqlalchemy.text(
                    "SELECT pg_has_role(:l, oid, 'USAGE') FROM pg_roles WHERE rolname = :r"
                ),
                {"l": login, "r": owner},
            ).first()
            if found is None:
                _log.info("bootstrap: creating the owner role %s as %s", owner, ELEVATION_ROLE)
                conn.execute(sqlalchemy.text(f"SET LOCAL ROLE {_quote(conn, ELEVATION_ROLE)}"))
                conn.execute(sqlalchemy.text(f"CREATE ROLE {role} NOLOGIN"))
                conn.execute(sqlalchemy.text(f"GRANT {role} TO {_quote(conn, login)}"))
                conn.execute(sqlalchemy.text("RESET ROLE"))
            elif not found[0]:
                admin = _admin_of(conn, owner)
                if admin is None:
                    raise ConfigError(
                        f"the role {owner} exists but no role {login} may act as holds its "
                        f'ADMIN OPTION: grant it by hand (GRANT {owner} TO "{login}")'
                    )
                _log.info("bootstrap: making %s a member of %s (as %s)", login, owner, admin)
                conn.execute(sqlalchemy.text(f"SET LOCAL ROLE {_quote(conn, admin)}"))
                conn.execute(sqlalchemy.text(f"GRANT {role} TO {_quote(conn, login)}"))
                conn.execute(sqlalchemy.text("RESET ROLE"))
            # Before REASSIGN: a new owner of a table needs CREATE on its schema.
            conn.execute(sqlalchemy.text(f"GRANT USAGE, CREATE ON SCHEMA public TO {role}"))
            if builtin_login:
                _take_over(conn, login, builtin_login, role, owner)
            database = conn.execute(sqlalchemy.text("SELECT current_database()")).scalar_one()
        _log.info("bootstrap: %s may create and owns MLflow's objects in %s", owner, database)
    finally:
        engine.dispose()


def _take_over(conn: Any, login: str, builtin_login: str, role: str, owner: str) -> None:
    """An earlier password deployment's objects: to the owner role, when the built-in login
    exists and the Admin API made it one of the IAM login's roles for the step."""
    import sqlalchemy

    row = conn.execute(
        sqlalchemy.text("SELECT pg_has_role(:l, oid, 'USAGE') FROM pg_roles WHERE rolname = :b"),
        {"l": login, "b": builtin_login},
    ).first()
    if row is None:
        return  # a brand-new instance: no earlier login
    if not row[0]:
        _log.warning(
            "bootstrap: the built-in login %s exists but is not one of %s's roles: what it "
            "owns stays its own (make apply lends it with cloudsqlsuperuser)",
            builtin_login,
            login,
        )
        return
    conn.execute(sqlalchemy.text(f"REASSIGN OWNED BY {_quote(conn, builtin_login)} TO {role}"))
    _log.info("bootstrap: %s owns what %s owned", owner, builtin_login)
