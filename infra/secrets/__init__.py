"""Where Secret Manager keeps the deployment's secrets: one object per location, chosen once
from `settings.modes.secret_location` (settings/modes.py). The database password and the KEK
passphrase are created through it, and every grant to read them.

A new location is one module here and one entry in SECRET_STORES.
"""

from __future__ import annotations

from infra.secrets.base import SecretStore, StoredSecret
from infra.secrets.global_secrets import GlobalSecrets
from infra.secrets.regional import RegionalSecrets
from settings import Settings
from settings.modes import SecretLocation

SECRET_STORES: dict[SecretLocation, type[SecretStore]] = {
    SecretLocation.GLOBAL: GlobalSecrets,
    SecretLocation.REGIONAL: RegionalSecrets,
}


def secret_store_for(settings: Settings) -> SecretStore:
    return SECRET_STORES[settings.modes.secret_location](settings)


__all__ = ["SECRET_STORES", "SecretStore", "StoredSecret", "secret_store_for"]
