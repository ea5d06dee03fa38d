"""GKE: the database password and the KEK passphrase come from Secret Manager through the
Secret Manager add-on.

No Secret object at all: a SecretProviderClass tells the add-on to mount both as files; the CSI
driver fetches them with the pod's Workload Identity, so dist/ never holds a value.
(`local`, a custom IAP OAuth client: k8s/cluster_secrets.py, run by `make secrets`.)
"""

from __future__ import annotations

import yaml
from cdk8s import Chart

from imports.secretproviderclass.io.x_k8s.csi.secrets_store import (
    SecretProviderClass,
    SecretProviderClassSpec,
    SecretProviderClassSpecProvider,
)
from k8s.meta import DB_PASSWORD_KEY, KEK_KEY, Workload
from settings import Settings


def secret_provider_class(chart: Chart, settings: Settings) -> None:
    """GKE: the add-on mounts the password and passphrase files from Secret Manager."""
    w, names = Workload.of(settings), settings.names
    secrets = [
        {
            "resourceName": f"projects/{names.project_id}/secrets/{secret}/versions/latest",
            "path": path,
        }
        for secret, path in (
            (names.db_password_secret, DB_PASSWORD_KEY),
            (names.kek_secret, KEK_KEY),
        )
    ]
    SecretProviderClass(
        chart,
        "db-password",
        metadata={"name": w.secret_provider_class},
        spec=SecretProviderClassSpec(
            provider=SecretProviderClassSpecProvider.GKE,
            parameters={"secrets": yaml.safe_dump(secrets, sort_keys=True)},
        ),
    )
