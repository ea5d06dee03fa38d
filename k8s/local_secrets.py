"""Read the `local` profile's key file and database password at synth time.

Only the `local` profile calls this; its output goes to the git-ignored dist/local/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from settings import REPO_ROOT, ConfigError, Settings

HOW_TO_CREATE = "create it with `make local-secrets DEPLOY_ENV=local` (after `make deploy`)"


@dataclass(frozen=True)
class LocalSecrets:
    key_json: str
    db_password: str


def _read(field: str, value: str) -> str:
    path = Path(value)
    if not path.is_absolute():
        path = REPO_ROOT / path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{field}: no file at {value} ({path}); {HOW_TO_CREATE}") from None
    except OSError as exc:
        raise ConfigError(f"{field}: cannot read {value}: {exc.strerror}") from None
    if not text.strip():
        raise ConfigError(f"{field}: {value} is empty; {HOW_TO_CREATE}")
    return text


def read_local_secrets(settings: Settings) -> LocalSecrets:
    """The key file (verbatim) and the password (one trailing newline removed)."""
    local = settings.local
    if local is None:
        raise ConfigError("local secrets are read only for platform 'local'")
    key_json = _read("local.key_file", local.key_file)
    password = _read("local.db_password_file", local.db_password_file)
    # `echo pw > file` adds a newline that is not part of the password.
    return LocalSecrets(key_json=key_json, db_password=password.removesuffix("\n"))
