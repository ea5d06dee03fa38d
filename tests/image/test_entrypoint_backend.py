"""mlflow_entrypoint.backend: the backend URI it assembles from the pod's environment and the
mounted password file, and the errors it gives (never with the password in them).

The advisory-locked migration is exercised against a real PostgreSQL in tests/e2e.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow_entrypoint.backend import REQUIRED, backend_uri, read_password
from mlflow_entrypoint.errors import ConfigError
from sqlalchemy.engine import make_url

from tests.image.entrypoint_env import PLAIN, TRICKY, pod_env


@pytest.mark.parametrize(
    "value",
    ["p@ss", "a:b", "a/b", "100%", "100%25", "a#b", "a?b=c", "with space", "ünïcødé€", TRICKY],
)
def test_password_and_user_round_trip(tmp_path: Path, value: str) -> None:
    uri = backend_uri(pod_env(tmp_path, password=value, DB_USER=value))
    url = make_url(uri)
    assert url.drivername == "postgresql+psycopg2"
    assert url.password == value
    assert url.username == value
    assert (url.host, url.port, url.database) == ("127.0.0.1", 5432, "mlflow")
    # The separators SQLAlchemy and libpq split on appear once each, never from the values.
    netloc = uri.split("://", 1)[1]
    assert netloc.count("@") == 1
    assert " " not in uri
    assert "#" not in uri
    assert "?" not in uri


def test_iam_style_user_is_encoded(tmp_path: Path) -> None:
    user = "mlflow-dev-server@my-project.iam"
    uri = backend_uri(pod_env(tmp_path, DB_USER=user))
    assert uri.startswith("postgresql+psycopg2://mlflow-dev-server%40my-project.iam:")
    assert make_url(uri).username == user


def test_ipv6_host_is_bracketed(tmp_path: Path) -> None:
    url = make_url(backend_uri(pod_env(tmp_path, DB_HOST="::1")))
    assert url.host == "::1"
    assert url.port == 5432


@pytest.mark.parametrize("name", REQUIRED)
def test_missing_variable_is_named(tmp_path: Path, name: str) -> None:
    env = pod_env(tmp_path)
    del env[name]
    with pytest.raises(ConfigError, match=name):
        backend_uri(env)


@pytest.mark.parametrize("name", REQUIRED)
def test_empty_variable_counts_as_missing(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        backend_uri(pod_env(tmp_path, **{name: ""}))


@pytest.mark.parametrize("port", ["0", "65536", "five", "-1", "5432 "])
def test_bad_port_is_named_without_the_password(tmp_path: Path, port: str) -> None:
    with pytest.raises(ConfigError, match="DB_PORT") as info:
        backend_uri(pod_env(tmp_path, password=TRICKY, DB_PORT=port))
    assert TRICKY not in str(info.value)


def test_missing_password_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DB_PASSWORD_FILE: no file at"):
        backend_uri(pod_env(tmp_path, DB_PASSWORD_FILE=str(tmp_path / "absent")))


def test_empty_password_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(ConfigError, match=r"DB_PASSWORD_FILE: .* is empty"):
        read_password(str(tmp_path / "empty"))


def test_unreadable_password_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DB_PASSWORD_FILE: cannot read"):
        read_password(str(tmp_path))  # a directory


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("pw\n", "pw"),
        ("pw", "pw"),
        ("pw\r\n", "pw"),
        ("pw\n\n", "pw\n"),  # only one newline is the file's; the rest is the password's
        ("pw \n", "pw "),
        (" pw", " pw"),
    ],
)
def test_one_trailing_newline_is_stripped(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "password"
    path.write_bytes(content.encode())
    assert read_password(str(path)) == expected


def test_iam_login_has_no_password(tmp_path: Path) -> None:
    """Without DB_PASSWORD_FILE the Auth Proxy logs in (--auto-iam-authn): no password at all."""
    env = pod_env(tmp_path, DB_USER="mlflow-dev-server@my-project.iam")
    del env["DB_PASSWORD_FILE"]
    url = make_url(backend_uri(env))
    assert url.username == "mlflow-dev-server@my-project.iam"
    assert url.password is None
    assert (url.host, url.port, url.database) == ("127.0.0.1", 5432, "mlflow")


def test_owner_role_is_the_sessions_role(tmp_path: Path) -> None:
    env = pod_env(tmp_path, DB_OWNER_ROLE="mlflow_owner")
    url = make_url(backend_uri(env))
    assert url.query == {"options": "-c role=mlflow_owner"}
    assert url.password == PLAIN
    # The login's own sessions (the handover) and another database keep the same rule.
    assert make_url(backend_uri(env, as_owner=False)).query == {}
    assert make_url(backend_uri(env, database="mlflow_auth")).database == "mlflow_auth"


@pytest.mark.parametrize("role", ["Owner", "a-b", "x;drop", "a b", "1abc"])
def test_owner_role_must_be_a_plain_identifier(tmp_path: Path, role: str) -> None:
    with pytest.raises(ConfigError, match=r"DB_OWNER_ROLE: .* lowercase identifier"):
        backend_uri(pod_env(tmp_path, DB_OWNER_ROLE=role))
