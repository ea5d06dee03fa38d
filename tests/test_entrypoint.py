"""mlflow_server/entrypoint.py: the backend URI it assembles, and the errors it gives.

The advisory-locked migration is exercised against a real PostgreSQL in tests/e2e.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from mlflow_server import entrypoint
from mlflow_server.entrypoint import ConfigError, backend_uri, read_password

ENTRYPOINT = Path(entrypoint.__file__)
# Built at run time so that no password-like literal sits in the repository.
TRICKY = "".join(["p@ss", ":w/rd", "%25", "#frag", "?q=1", " sp ace", "-ünï€ode"])


PLAIN = "".join(["plain", "-value"])


def _env(tmp_path: Path, password: str = PLAIN, **over: str) -> dict[str, str]:
    pw = tmp_path / "password"
    pw.write_text(password + "\n", encoding="utf-8")
    env = {
        "DB_USER": "mlflow",
        "DB_NAME": "mlflow",
        "DB_HOST": "127.0.0.1",
        "DB_PORT": "5432",
        "DB_PASSWORD_FILE": str(pw),
    }
    env.update(over)
    return env


@pytest.mark.parametrize(
    "value",
    ["p@ss", "a:b", "a/b", "100%", "100%25", "a#b", "a?b=c", "with space", "ünïcødé€", TRICKY],
)
def test_password_and_user_round_trip(tmp_path: Path, value: str) -> None:
    uri = backend_uri(_env(tmp_path, password=value, DB_USER=value))
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
    uri = backend_uri(_env(tmp_path, DB_USER=user))
    assert uri.startswith("postgresql+psycopg2://mlflow-dev-server%40my-project.iam:")
    assert make_url(uri).username == user


def test_ipv6_host_is_bracketed(tmp_path: Path) -> None:
    url = make_url(backend_uri(_env(tmp_path, DB_HOST="::1")))
    assert url.host == "::1"
    assert url.port == 5432


@pytest.mark.parametrize("name", entrypoint.REQUIRED)
def test_missing_variable_is_named(tmp_path: Path, name: str) -> None:
    env = _env(tmp_path)
    del env[name]
    with pytest.raises(ConfigError, match=name):
        backend_uri(env)


@pytest.mark.parametrize("name", entrypoint.REQUIRED)
def test_empty_variable_counts_as_missing(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        backend_uri(_env(tmp_path, **{name: ""}))


@pytest.mark.parametrize("port", ["0", "65536", "five", "-1", "5432 "])
def test_bad_port_is_named_without_the_password(tmp_path: Path, port: str) -> None:
    with pytest.raises(ConfigError, match="DB_PORT") as info:
        backend_uri(_env(tmp_path, password=TRICKY, DB_PORT=port))
    assert TRICKY not in str(info.value)


def test_missing_password_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DB_PASSWORD_FILE: no file at"):
        backend_uri(_env(tmp_path, DB_PASSWORD_FILE=str(tmp_path / "absent")))


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


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ENTRYPOINT), *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.integration
def test_cli_config_error_names_variable_and_hides_password(tmp_path: Path) -> None:
    env = _env(tmp_path, password=TRICKY, DB_PORT="not-a-port")
    for args in (["db", "upgrade"], ["server", "--port", "5000"]):
        proc = _run(args, env)
        assert proc.returncode == 2
        assert "DB_PORT" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert TRICKY not in proc.stderr + proc.stdout


@pytest.mark.integration
def test_cli_missing_env_exits_2(tmp_path: Path) -> None:
    proc = _run(["db", "upgrade"], {})
    assert proc.returncode == 2
    assert "DB_USER, DB_NAME, DB_HOST, DB_PORT, DB_PASSWORD_FILE" in proc.stderr


@pytest.mark.parametrize("args", [[], ["db"], ["db", "downgrade"], ["ui"], ["db", "upgrade", "x"]])
@pytest.mark.integration
def test_cli_usage(tmp_path: Path, args: list[str]) -> None:
    proc = _run(args, _env(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.startswith("usage: mlflow-entrypoint")


@pytest.mark.integration
def test_server_execs_mlflow_with_uri_in_env_not_argv(tmp_path: Path) -> None:
    """`server --help` replaces the entrypoint with the real `mlflow server` CLI."""
    proc = _run(["server", "--help"], _env(tmp_path, password=TRICKY))
    assert proc.returncode == 0, proc.stderr
    assert "--backend-store-uri" in proc.stdout
    assert TRICKY not in proc.stdout + proc.stderr


@pytest.mark.integration
def test_rewrite_tool_gets_the_uri_in_env_not_argv(tmp_path: Path) -> None:
    """`rewrite-artifact-uris` replaces the entrypoint with the tool next to it; the tool has
    the URI (it asks for a mapping, not for MLFLOW_BACKEND_STORE_URI) and prints no secret."""
    proc = _run(["rewrite-artifact-uris"], _env(tmp_path, password=TRICKY))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith("rewrite-artifact-uris: give at least one --map"), proc.stderr
    assert TRICKY not in proc.stdout + proc.stderr
    help_text = _run(["rewrite-artifact-uris", "--help"], _env(tmp_path)).stdout
    assert "usage: mlflow-entrypoint rewrite-artifact-uris" in help_text


@pytest.mark.integration
def test_rewrite_tool_reports_an_unreachable_database_in_one_line(tmp_path: Path) -> None:
    env = _env(tmp_path, password=TRICKY, DB_PORT="1")
    proc = _run(["rewrite-artifact-uris", "--map", "gs://old-bucket=mlflow-artifacts:/"], env)
    assert proc.returncode == 1
    assert proc.stderr.startswith("rewrite-artifact-uris: nothing was changed: "), proc.stderr
    assert "Traceback" not in proc.stderr
    assert TRICKY not in proc.stderr
