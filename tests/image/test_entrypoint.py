"""mlflow_server/entrypoint.py: the backend URI it assembles, the KEK passphrase it reads, the
stored secrets it re-wraps, and the errors it gives.

The advisory-locked migration is exercised against a real PostgreSQL in tests/e2e.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy
from sqlalchemy.engine import make_url

from mlflow_server import entrypoint
from mlflow_server.entrypoint import (
    ConfigError,
    Kek,
    KekFile,
    backend_uri,
    read_kek,
    read_password,
    rewrap_secrets,
)

ENTRYPOINT = Path(entrypoint.__file__)
# Built at run time so that no password-like literal sits in the repository.
TRICKY = "".join(["p@ss", ":w/rd", "%25", "#frag", "?q=1", " sp ace", "-ünï€ode"])


PLAIN = "".join(["plain", "-value"])


PASSPHRASE = "".join(["k" * 20, "-passphrase-", "x" * 20])
FIELD = "_".join(["api", "key"])  # a gateway secret's field, assembled (detect-secrets)


def _kek_file(folder: Path, document: object) -> str:
    path = folder / "kek-passphrase"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return str(path)


def _env(tmp_path: Path, password: str = PLAIN, **over: str) -> dict[str, str]:
    pw = tmp_path / "password"
    pw.write_text(password + "\n", encoding="utf-8")
    env = {
        "DB_USER": "mlflow",
        "DB_NAME": "mlflow",
        "DB_HOST": "127.0.0.1",
        "DB_PORT": "5432",
        "DB_PASSWORD_FILE": str(pw),
        "KEK_PASSPHRASE_FILE": _kek_file(
            tmp_path, {"version": 1, "passphrase": PASSPHRASE, "previous": []}
        ),
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


def _run(
    args: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ENTRYPOINT), *args],
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
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
    assert PASSPHRASE not in proc.stdout + proc.stderr


# --- the KEK passphrase --------------------------------------------------------------------


def test_kek_file_gives_mlflow_its_passphrase_and_version(tmp_path: Path) -> None:
    document = {
        "version": 3,
        "passphrase": PASSPHRASE,
        "previous": [{"version": 2, "passphrase": PASSPHRASE[::-1]}],
    }
    kek = read_kek(_kek_file(tmp_path, document))
    assert kek.current == Kek(version=3, passphrase=PASSPHRASE)
    assert kek.previous == (Kek(version=2, passphrase=PASSPHRASE[::-1]),)
    assert kek.server_env() == {
        "MLFLOW_CRYPTO_KEK_PASSPHRASE": PASSPHRASE,
        "MLFLOW_CRYPTO_KEK_VERSION": "3",
    }
    assert PASSPHRASE not in repr(kek)  # never in a traceback or a log line


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("not json", "is not a JSON document"),
        ([1], "must hold a JSON object"),
        ({"passphrase": PASSPHRASE}, "the document.version must be an integer"),
        ({"version": 0, "passphrase": PASSPHRASE}, "the document.version must be an integer"),
        ({"version": True, "passphrase": PASSPHRASE}, "the document.version must be an integer"),
        ({"version": 1, "passphrase": "short"}, "at least 32 characters"),
        ({"version": 2, "passphrase": PASSPHRASE, "previous": {}}, "previous must be a list"),
        (
            {"version": 2, "passphrase": PASSPHRASE, "previous": [{"version": 1}]},
            r"previous\[0\].passphrase must be a string",
        ),
        (
            {
                "version": 2,
                "passphrase": PASSPHRASE,
                "previous": [{"version": 2, "passphrase": PASSPHRASE}],
            },
            "repeats the current version 2",
        ),
    ],
)
def test_bad_kek_file_is_named_without_its_content(
    tmp_path: Path, document: object, message: str
) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        read_kek(_kek_file(tmp_path, document))
    assert str(info.value).startswith("KEK_PASSPHRASE_FILE: ")
    assert PASSPHRASE not in str(info.value)


def test_missing_kek_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="KEK_PASSPHRASE_FILE: no file at"):
        read_kek(str(tmp_path / "absent"))


@pytest.mark.integration
def test_cli_refuses_to_start_without_the_passphrase(tmp_path: Path) -> None:
    """Without the file MLflow would encrypt with its built-in default passphrase: refused."""
    env = _env(tmp_path)
    del env["KEK_PASSPHRASE_FILE"]
    for args in (["db", "upgrade"], ["server"]):
        proc = _run(args, env)
        assert proc.returncode == 2
        assert "KEK_PASSPHRASE_FILE" in proc.stderr
        assert "default" in proc.stderr


# --- re-wrapping stored secrets (the `secrets` table of MLflow's schema) ---------------------


def _store(
    connection: sqlalchemy.Connection, name: str, value: str, passphrase: str, v: int
) -> str:
    """A gateway secret as MLflow's store writes it (mlflow.utils.crypto._encrypt_secret)."""
    from mlflow.utils.crypto import KEKManager, _encrypt_secret

    secret_id = secrets.token_hex(8)
    manager = KEKManager(passphrase=passphrase, kek_version=v)
    encrypted = _encrypt_secret({FIELD: value}, manager, secret_id, name)
    connection.execute(
        sqlalchemy.text("INSERT INTO secrets VALUES (:id, :name, :value, :dek, :v)"),
        {
            "id": secret_id,
            "name": name,
            "value": encrypted.encrypted_value,
            "dek": encrypted.wrapped_dek,
            "v": encrypted.kek_version,
        },
    )
    return secret_id


def _open(connection: sqlalchemy.Connection, secret_id: str, kek: Kek) -> object:
    from mlflow.utils.crypto import KEKManager, _decrypt_secret

    name, value, dek, version = connection.execute(
        sqlalchemy.text(
            "SELECT secret_name, encrypted_value, wrapped_dek, kek_version FROM secrets "
            "WHERE secret_id = :id"
        ),
        {"id": secret_id},
    ).one()
    assert version == kek.version
    manager = KEKManager(passphrase=kek.passphrase, kek_version=kek.version)
    return _decrypt_secret(value, dek, manager, secret_id, name)


def test_rewrap_brings_default_and_previous_secrets_under_the_current_kek() -> None:
    """A secret stored under MLflow's default passphrase (a server that had none), one under
    the previous passphrase (a rotation) and one already current: afterwards all three open
    with the current KEK and keep their values; one that no known passphrase opens is named."""
    from mlflow.utils.crypto import DEFAULT_KEK_PASSPHRASE

    old, new = Kek(1, "o" * 40), Kek(2, "n" * 40)
    kek = KekFile(current=new, previous=(old,))
    engine = sqlalchemy.create_engine("sqlite://")
    with engine.begin() as c:
        c.execute(
            sqlalchemy.text(
                "CREATE TABLE secrets (secret_id TEXT PRIMARY KEY, secret_name TEXT, "
                "encrypted_value BLOB, wrapped_dek BLOB, kek_version INTEGER)"
            )
        )
        values = [secrets.token_hex(8) for _ in range(4)]
        from_default = _store(c, "from-default", values[0], DEFAULT_KEK_PASSPHRASE, 1)
        from_previous = _store(c, "from-previous", values[1], old.passphrase, 1)
        current = _store(c, "current", values[2], new.passphrase, 2)
        lost = _store(c, "lost", values[3], "u" * 40, 1)
        report = rewrap_secrets(c, kek)
    assert report.rewrapped == 2
    assert report.unreadable == ["lost"]
    with engine.connect() as c:
        assert _open(c, from_default, new) == {FIELD: values[0]}
        assert _open(c, from_previous, new) == {FIELD: values[1]}
        assert _open(c, current, new) == {FIELD: values[2]}
        assert _open(c, lost, Kek(1, "u" * 40)) == {FIELD: values[3]}  # left untouched
    with engine.begin() as c:  # idempotent: a second start changes nothing
        again = rewrap_secrets(c, kek)
    assert (again.rewrapped, again.unreadable) == (0, ["lost"])


# --- gc ----------------------------------------------------------------------------------------


def test_proxied_artifacts_resolve_against_the_destination(monkeypatch: pytest.MonkeyPatch) -> None:
    """`mlflow-artifacts:/<path>` is `<MLFLOW_ARTIFACTS_DESTINATION>/<path>`, as the server maps
    it, also when the URI names a server; an unsafe path is refused."""
    from mlflow.exceptions import MlflowException
    from mlflow.store.artifact import artifact_repository_registry as registry

    original = registry._artifact_repository_registry._registry["mlflow-artifacts"]
    monkeypatch.setitem(
        registry._artifact_repository_registry._registry, "mlflow-artifacts", original
    )
    entrypoint.resolve_proxied_artifacts("file:///srv/artifacts/")
    for uri in (
        "mlflow-artifacts:/1/abc/artifacts",
        "mlflow-artifacts://server:5000/1/abc/artifacts",
    ):
        repo = registry.get_artifact_repository(uri)
        assert repo.artifact_uri == "file:///srv/artifacts/1/abc/artifacts", uri
    with pytest.raises(MlflowException, match="Invalid path"):
        registry.get_artifact_repository("mlflow-artifacts:/1/../../etc")


@pytest.mark.parametrize(
    "option", ["--backend-store-uri=sqlite://", "--tracking-uri", "--artifacts-destination=gs://x"]
)
@pytest.mark.integration
def test_gc_refuses_the_options_the_entry_point_sets(tmp_path: Path, option: str) -> None:
    env = _env(tmp_path, MLFLOW_ARTIFACTS_DESTINATION="gs://bucket/artifacts")
    proc = _run(["gc", option], env)
    assert proc.returncode == 2
    assert f"{option.split('=')[0]} is set by the entry point" in proc.stderr


@pytest.mark.integration
def test_gc_needs_the_artifacts_destination_not_the_passphrase(tmp_path: Path) -> None:
    env = _env(tmp_path, password=TRICKY)
    del env["KEK_PASSPHRASE_FILE"]  # gc leaves stored secrets alone
    proc = _run(["gc", "--older-than=30d"], env)
    assert proc.returncode == 2
    assert "MLFLOW_ARTIFACTS_DESTINATION" in proc.stderr
    assert "KEK_PASSPHRASE_FILE" not in proc.stderr


def test_a_gc_error_message_loses_the_uri_and_the_password(tmp_path: Path) -> None:
    """`mlflow gc` fails with one line; what a driver quotes in it is redacted."""
    env = _env(tmp_path, password=TRICKY)
    env[entrypoint.URI_ENV] = backend_uri(env)
    message = f"cannot connect to {env[entrypoint.URI_ENV]} as {TRICKY} ({quote(TRICKY, safe='')})"
    redacted = entrypoint._redact(message, env)
    assert redacted == "cannot connect to *** as *** (***)"


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
