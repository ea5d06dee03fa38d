"""The PostgreSQL backend URI, assembled from the pod's environment and the mounted password file.

The password comes from a file, never from a manifest or argv (visible in `ps` and in the pod
spec), and no error message or redacted log line carries it. Without DB_PASSWORD_FILE the login
is IAM database authentication: the Auth Proxy beside the pod logs in with the pod's own token
(--auto-iam-authn), and the URI has no password at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from mlflow_entrypoint.contract import (
    DB_HOST_ENV,
    DB_NAME_ENV,
    DB_OWNER_ROLE_ENV,
    DB_PASSWORD_FILE_ENV,
    DB_PORT_ENV,
    DB_USER_ENV,
    MLFLOW_BACKEND_STORE_URI_ENV,
)
from mlflow_entrypoint.errors import ConfigError

# psycopg2, not psycopg 3 (SQLAlchemy 2.1's default for postgresql://): SQLAlchemy's psycopg
# dialect renders a cast on every string parameter, and MLflow 3.17 compares the integer
# experiments.experiment_id with string ids (SqlAlchemyStore.add_dataset_to_experiments:
# `experiment_id.in_(["1", ...])`), which PostgreSQL then refuses: "operator does not exist:
# integer = character varying". psycopg2 sends the value as an untyped literal that PostgreSQL
# reads as an integer; it is also the driver MLflow's database tests run with.
DRIVER = "postgresql+psycopg2"
# The connection settings, in the order a missing one is reported (DB_PASSWORD_FILE is optional:
# without it the login is IAM database authentication).
REQUIRED = (DB_USER_ENV, DB_NAME_ENV, DB_HOST_ENV, DB_PORT_ENV)
# An owner role goes into a libpq `options` value unquoted: a plain lowercase identifier only.
OWNER_ROLE = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def read_password(path: str) -> str:
    """The password in `path`, without one trailing newline (`\\n` or `\\r\\n`): `echo` and most
    secret stores add one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{DB_PASSWORD_FILE_ENV}: no file at {path}") from None
    except OSError as exc:
        raise ConfigError(f"{DB_PASSWORD_FILE_ENV}: cannot read {path} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{DB_PASSWORD_FILE_ENV}: {path} is not UTF-8 text") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise ConfigError(f"{DB_PASSWORD_FILE_ENV}: {path} is empty")
    return text


def component(value: str) -> str:
    """`value` as one component of the URI's user info or path."""
    # safe="": every reserved character (@ : / % # ? and space) and all non-ASCII bytes are
    # percent-encoded, which SQLAlchemy's make_url and libpq both decode.
    return quote(value, safe="")


def owner_role(env: Mapping[str, str]) -> str | None:
    """DB_OWNER_ROLE, checked, or None when unset."""
    role = env.get(DB_OWNER_ROLE_ENV) or None
    if role is not None and not OWNER_ROLE.fullmatch(role):
        raise ConfigError(
            f"{DB_OWNER_ROLE_ENV}: {role!r} must be a lowercase identifier ([a-z_][a-z0-9_]*)"
        )
    return role


def password_of(env: Mapping[str, str]) -> str | None:
    """The password in DB_PASSWORD_FILE, or None for IAM database authentication."""
    path = env.get(DB_PASSWORD_FILE_ENV) or None
    return None if path is None else read_password(path)


def backend_uri(
    env: Mapping[str, str], *, database: str | None = None, as_owner: bool = True
) -> str:
    """The SQLAlchemy URI for the settings in `env` (another `database` of the same instance
    when given). Its sessions act as DB_OWNER_ROLE when set, unless `as_owner` is False (the
    login's own sessions: the handover and the role's checks). Raises ConfigError naming what
    is wrong."""
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise ConfigError(f"missing environment variable(s): {', '.join(missing)}")
    port = env[DB_PORT_ENV]
    if not (port.isdigit() and 0 < int(port) < 65536):
        raise ConfigError(f"{DB_PORT_ENV}: {port!r} is not a TCP port number")
    host = env[DB_HOST_ENV]
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    password = password_of(env)
    role = owner_role(env)
    user = component(env[DB_USER_ENV])
    login = user if password is None else f"{user}:{component(password)}"
    name = component(database or env[DB_NAME_ENV])
    # libpq's `options`: the session's role from its first statement on (SET ROLE), so every
    # object a program creates belongs to the owner role.
    query = f"?options={component(f'-c role={role}')}" if role and as_owner else ""
    return f"{DRIVER}://{login}@{host}:{port}/{name}{query}"


def redact(text: str, env: Mapping[str, str]) -> str:
    """`text` without the backend URI or the password, raw or percent-encoded: a driver's
    message may quote them."""
    password = password_of(env)
    secrets = [env[MLFLOW_BACKEND_STORE_URI_ENV]]
    if password is not None:
        secrets += [component(password), password]
    for secret in secrets:
        text = text.replace(secret, "***")
    return text
