"""The database password and (local only) the key file: where they come from.

GKE: no Secret object at all. A SecretProviderClass tells the GKE Secret Manager add-on to
mount the password from Secret Manager as a file; the CSI driver fetches it with the pod's
Workload Identity, so dist/ never holds a value. `local`: a Secret built at synth time from
the files config/local.yaml names, written only to the git-ignored dist/local/.
"""

from __future__ import annotations

import base64
import json

import yaml
from cdk8s import Chart
from cdk8s_plus_25 import k8s

from imports.secretproviderclass.io.x_k8s.csi.secrets_store import (
    SecretProviderClass,
    SecretProviderClassSpec,
    SecretProviderClassSpecProvider,
)
from k8s.local_secrets import read_local_secrets
from k8s.meta import DB_PASSWORD_KEY, GCP_KEY_KEY, Workload
from settings import Settings

# The credentials Secret's keys (mounted as files by the Deployment).
DB_PASSWORD_SECRET_KEY = "db-password"  # noqa: S105  # pragma: allowlist secret
GCP_KEY_SECRET_KEY = GCP_KEY_KEY


def secret_provider_class(chart: Chart, settings: Settings) -> None:
    """GKE: the add-on mounts the password file from Secret Manager (no value in dist/)."""
    w, names = Workload.of(settings), settings.names
    secrets = [
        {
            "resourceName": (
                f"projects/{names.project_id}/secrets/{names.db_password_secret}/versions/latest"
            ),
            "path": DB_PASSWORD_KEY,
        }
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


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def local_secrets(chart: Chart, settings: Settings) -> None:
    """`local`: the key and password read at synth time, for the git-ignored dist/local/."""
    w = Workload.of(settings)
    values = read_local_secrets(settings)
    k8s.KubeSecret(
        chart,
        "credentials",
        metadata=k8s.ObjectMeta(name=w.credentials_secret),
        type="Opaque",
        data={
            GCP_KEY_SECRET_KEY: _b64(values.key_json),
            DB_PASSWORD_SECRET_KEY: _b64(values.db_password),
        },
    )
    # Artifact Registry accepts a service-account key as the password of user `_json_key`.
    registry = f"{settings.region}-docker.pkg.dev"
    auth = {
        "username": "_json_key",
        "password": values.key_json,
        "auth": _b64(f"_json_key:{values.key_json}"),
    }
    docker_config = json.dumps({"auths": {registry: auth}}, sort_keys=True)
    k8s.KubeSecret(
        chart,
        "pull-secret",
        metadata=k8s.ObjectMeta(name=w.pull_secret),
        type="kubernetes.io/dockerconfigjson",
        data={".dockerconfigjson": _b64(docker_config)},
    )
