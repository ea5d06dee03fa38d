"""The PostgreSQL backend URI, assembled from the pod's environment and the mounted password file.

The password comes from a file, never from a manifest or argv (visible in `ps` and in the pod
spec), and no error message or redacted log line carries it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from mlflow_entrypoint.contract import (
    DB_HOST_ENV,
    DB_NAME_ENV,
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
# The connection settings, in the order a missing one is reported.
REQUIRED = (DB_USER_ENV, DB_NAME_ENV, DB_HOST_ENV, DB_PORT_ENV, DB_PASSWORD_FILE_ENV)


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


def backend_uri(env: Mapping[str, str], *, database: str | None = None) -> str:
    """The SQLAlchemy URI for the settings in `env` (another `database` of the same instance
    when given). Raises ConfigError naming what is wrong."""
    missing = [name for name in REQUIRED if not env.get(name)]
    if missing:
        raise ConfigError(f"missing environment variable(s): {', '.join(missing)}")
    port = env[DB_PORT_ENV]
    if not (port.isdigit() and 0 < int(port) < 65536):
        raise ConfigError(f"{DB_PORT_ENV}: {port!r} is not a TCP port number")
    host = env[DB_HOST_ENV]
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 literal
    password = read_password(env[DB_PASSWORD_FILE_ENV])
    user = component(env[DB_USER_ENV])
    name = component(database or env[DB_NAME_ENV])
    return f"{DRIVER}://{user}:{component(password)}@{host}:{port}/{name}"


def redact(text: str, env: Mapping[str, str]) -> str:
    """`text` without the backend URI or the password, raw or percent-encoded: a driver's
    message may quote them."""
    password = read_password(env[DB_PASSWORD_FILE_ENV])
    for secret in (env[MLFLOW_BACKEND_STORE_URI_ENV], component(password), password):
        text = text.replace(secret, "***")
    return text
