"""The files the pods read from Secret Manager, as every mode describes them to the platform
that delivers them (GKE: the Secret Manager add-on; elsewhere: a Secret `make secrets` fills)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SecretFile:
    """One file of the pods' secrets volume.

    resource: the secret's latest version where Secret Manager keeps it (the add-on reads it).
    key: its key in the Secret `make secrets` creates outside GKE.
    path: the file's name in the volume (settings.contract.SECRETS_DIR).
    """

    resource: str
    key: str
    path: str
