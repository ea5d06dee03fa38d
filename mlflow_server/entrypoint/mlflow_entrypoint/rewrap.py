"""Stored secrets brought under the current KEK passphrase, as `mlflow crypto rotate-kek` does.

MLflow encrypts each stored secret (AI gateway API keys) with its own data key and wraps that
key with the KEK. After a rotation, or when the server once ran without a passphrase (MLflow
then wraps with its built-in default one), some keys are under an older KEK; `db upgrade`
re-wraps them under its migration lock so that the server opens every secret with the current
one. The secret values themselves are never decrypted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from mlflow_entrypoint.contract import PROGRAM
from mlflow_entrypoint.kek import KekFile

_log = logging.getLogger(PROGRAM)


@dataclass
class Rewrap:
    """What `rewrap_secrets` did: how many secrets it re-wrapped, which it could not open."""

    rewrapped: int = 0
    unreadable: list[str] = field(default_factory=list)


def rewrap_secrets(connection: Any, kek: KekFile) -> Rewrap:
    """Re-wrap each stored secret's data key with the current KEK, in the caller's transaction.

    A secret that the current KEK opens is left as it is. One that it does not open is tried
    with the previous passphrases of its own recorded version and with MLflow's built-in default
    passphrase (what a server without MLFLOW_CRYPTO_KEK_PASSPHRASE wrapped with); the first that
    opens it wins, and MLflow's `rotate_secret_encryption` (what `mlflow crypto rotate-kek` runs)
    re-wraps it. The secret values themselves are never decrypted. A secret no known passphrase
    opens is listed, by name, in the result.
    """
    import sqlalchemy
    from mlflow.exceptions import MlflowException
    from mlflow.utils.crypto import (
        DEFAULT_KEK_PASSPHRASE,
        KEKManager,
        rotate_secret_encryption,
        unwrap_dek,
    )

    rows = connection.execute(
        sqlalchemy.text(
            "SELECT secret_id, secret_name, encrypted_value, wrapped_dek, kek_version FROM secrets"
        )
    ).all()
    result = Rewrap()
    if not rows:
        return result  # nothing to derive: PBKDF2 runs only when there are secrets
    managers: dict[tuple[str, int], Any] = {}

    def manager(passphrase: str, version: int) -> Any:
        if (passphrase, version) not in managers:
            managers[(passphrase, version)] = KEKManager(passphrase=passphrase, kek_version=version)
        return managers[(passphrase, version)]

    def opens(wrapped_dek: bytes, candidate: Any) -> bool:
        try:
            unwrap_dek(wrapped_dek, candidate.get_kek())
        except MlflowException:  # AES-GCM's tag check failed: not this KEK
            return False
        return True

    current = manager(kek.current.passphrase, kek.current.version)
    for secret_id, name, encrypted_value, wrapped, version in rows:
        if opens(bytes(wrapped), current):
            continue
        candidates = [p.passphrase for p in kek.previous if p.version == version]
        for passphrase in [*candidates, DEFAULT_KEK_PASSPHRASE]:
            older = manager(passphrase, version)
            if not opens(bytes(wrapped), older):
                continue
            rotated = rotate_secret_encryption(
                bytes(encrypted_value), bytes(wrapped), older, current
            )
            connection.execute(
                sqlalchemy.text(
                    "UPDATE secrets SET wrapped_dek = :dek, kek_version = :version "
                    "WHERE secret_id = :id"
                ),
                {"dek": rotated.wrapped_dek, "version": current.kek_version, "id": secret_id},
            )
            result.rewrapped += 1
            break
        else:
            result.unreadable.append(name)
    return result


def log_rewrap(report: Rewrap, version: int) -> None:
    """One line for what was re-wrapped, one error line naming the secrets left unusable."""
    if report.rewrapped:
        _log.info("re-wrapped %d stored secret(s) under KEK version %d", report.rewrapped, version)
    if report.unreadable:
        # Not fatal: the server still starts, and these secrets' users re-enter them. The names
        # tell an operator which ones; a database restored from before two rotations is the
        # usual cause (docs/operate.md#rotate-the-secrets-passphrase).
        _log.error(
            "%d stored secret(s) open with no known KEK passphrase (current, previous, MLflow's "
            "default) and stay unusable: %s",
            len(report.unreadable),
            ", ".join(sorted(report.unreadable)),
        )
