"""mlflow_entrypoint.kek and .rewrap: the KEK passphrase file it reads, and the stored secrets
it re-wraps under the current passphrase.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import sqlalchemy
from mlflow_entrypoint.errors import ConfigError
from mlflow_entrypoint.kek import Kek, KekFile, read_kek
from mlflow_entrypoint.rewrap import rewrap_secrets

from tests.image.entrypoint_env import PASSPHRASE, kek_file, pod_env, run_entrypoint

FIELD = "_".join(["api", "key"])  # a gateway secret's field, assembled (detect-secrets)


def test_kek_file_gives_mlflow_its_passphrase_and_version(tmp_path: Path) -> None:
    document = {
        "version": 3,
        "passphrase": PASSPHRASE,
        "previous": [{"version": 2, "passphrase": PASSPHRASE[::-1]}],
    }
    kek = read_kek(kek_file(tmp_path, document))
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
        read_kek(kek_file(tmp_path, document))
    assert str(info.value).startswith("KEK_PASSPHRASE_FILE: ")
    assert PASSPHRASE not in str(info.value)


def test_missing_kek_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="KEK_PASSPHRASE_FILE: no file at"):
        read_kek(str(tmp_path / "absent"))


@pytest.mark.integration
def test_cli_refuses_to_start_without_the_passphrase(tmp_path: Path) -> None:
    """Without the file MLflow would encrypt with its built-in default passphrase: refused."""
    env = pod_env(tmp_path)
    del env["KEK_PASSPHRASE_FILE"]
    for args in (["db", "upgrade"], ["server"]):
        proc = run_entrypoint(args, env)
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
