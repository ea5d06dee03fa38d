"""The KEK passphrase file: what MLflow encrypts users' stored secrets (AI gateway API keys) with.

The document is infra/kek.py's Secret Manager secret, mounted as a file, so that the passphrase
never appears in a manifest, in argv or in a log line:
{"version": N, "passphrase": "...", "previous": [{"version": N-1, "passphrase": "..."}, ...]}.
The server gets the current passphrase in its environment only; `db upgrade` also uses the
previous ones to re-wrap what is still under them (mlflow_entrypoint.rewrap).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlflow_entrypoint.contract import (
    KEK_PASSPHRASE_FILE_ENV,
    KEK_PASSPHRASE_KEY,
    KEK_PREVIOUS_KEY,
    KEK_VERSION_KEY,
)
from mlflow_entrypoint.contract import MLFLOW_CRYPTO_KEK_PASSPHRASE_ENV as PASSPHRASE_ENV
from mlflow_entrypoint.contract import MLFLOW_CRYPTO_KEK_VERSION_ENV as KEK_VERSION_ENV
from mlflow_entrypoint.errors import ConfigError

# MLflow's advice for the passphrase: "high-entropy (32+ characters) from a secrets manager".
MIN_PASSPHRASE_LENGTH = 32


@dataclass(frozen=True)
class Kek:
    """One KEK passphrase and the version MLflow folds into its key derivation."""

    version: int
    passphrase: str = field(repr=False)


@dataclass(frozen=True)
class KekFile:
    """The passphrase file: the current KEK, and the ones stored secrets may still be under."""

    current: Kek
    previous: tuple[Kek, ...] = ()

    def server_env(self) -> dict[str, str]:
        return {PASSPHRASE_ENV: self.current.passphrase, KEK_VERSION_ENV: str(self.current.version)}


def _kek(item: Any, where: str) -> Kek:
    if not isinstance(item, dict):
        raise ConfigError(
            f"{KEK_PASSPHRASE_FILE_ENV}: {where} must be an object with {KEK_VERSION_KEY} and "
            f"{KEK_PASSPHRASE_KEY}"
        )
    version, passphrase = item.get(KEK_VERSION_KEY), item.get(KEK_PASSPHRASE_KEY)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ConfigError(
            f"{KEK_PASSPHRASE_FILE_ENV}: {where}.{KEK_VERSION_KEY} must be an integer of 1 or more"
        )
    if not isinstance(passphrase, str) or len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise ConfigError(
            f"{KEK_PASSPHRASE_FILE_ENV}: {where}.{KEK_PASSPHRASE_KEY} must be a string of at "
            f"least {MIN_PASSPHRASE_LENGTH} characters"
        )
    return Kek(version=version, passphrase=passphrase)


def read_kek(path: str) -> KekFile:
    """The KEK file at `path`. Errors name the file and the rule, never its content."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{KEK_PASSPHRASE_FILE_ENV}: no file at {path}") from None
    except OSError as exc:
        raise ConfigError(
            f"{KEK_PASSPHRASE_FILE_ENV}: cannot read {path} ({exc.strerror})"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ConfigError(f"{KEK_PASSPHRASE_FILE_ENV}: {path} is not a JSON document") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{KEK_PASSPHRASE_FILE_ENV}: {path} must hold a JSON object")
    current = _kek(data, "the document")
    previous_items = data.get(KEK_PREVIOUS_KEY, [])
    if not isinstance(previous_items, list):
        raise ConfigError(f"{KEK_PASSPHRASE_FILE_ENV}: {KEK_PREVIOUS_KEY} must be a list")
    previous = tuple(
        _kek(item, f"{KEK_PREVIOUS_KEY}[{i}]") for i, item in enumerate(previous_items)
    )
    if any(p.version == current.version for p in previous):
        raise ConfigError(
            f"{KEK_PASSPHRASE_FILE_ENV}: {KEK_PREVIOUS_KEY} repeats the current version "
            f"{current.version}"
        )
    return KekFile(current=current, previous=previous)


def kek_file(env: Mapping[str, str]) -> KekFile:
    """The KEK file that `env` names; refused when it names none."""
    path = env.get(KEK_PASSPHRASE_FILE_ENV)
    if not path:
        raise ConfigError(
            f"missing environment variable(s): {KEK_PASSPHRASE_FILE_ENV} (without the passphrase "
            "MLflow encrypts stored secrets with its built-in default one)"
        )
    return read_kek(path)
