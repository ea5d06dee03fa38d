"""Where Secret Manager keeps the secrets, as the pods address them: one object per location,
chosen once from `settings.modes.secret_location` (settings/modes.py; infra/secrets/ creates
them there).

A new location (regional secrets) is one module here and one entry in SECRET_LOCATIONS.
"""

from __future__ import annotations

from k8s.secrets.base import KubeSecretLocation
from k8s.secrets.global_secrets import GlobalSecrets
from k8s.secrets.regional import RegionalSecrets
from settings import Settings
from settings.modes import SecretLocation

SECRET_LOCATIONS: dict[SecretLocation, type[KubeSecretLocation]] = {
    SecretLocation.GLOBAL: GlobalSecrets,
    SecretLocation.REGIONAL: RegionalSecrets,
}


def secret_location_for(settings: Settings) -> KubeSecretLocation:
    return SECRET_LOCATIONS[settings.modes.secret_location](settings)


__all__ = ["SECRET_LOCATIONS", "KubeSecretLocation", "secret_location_for"]
