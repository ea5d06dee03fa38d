"""`make secrets`: the Secrets the manifests name but never hold, from Secret Manager (and
Terraform state).

    .venv/bin/python -m ops.cluster_secrets [--terraform terraform] | kubectl apply -f -

Prints the Secret manifests on stdout for kubectl to apply, so that the values go from gcloud
(and terraform) through a pipe into the cluster and are never written to a file or to dist/. It
prints nothing unless every value was read, so a failed read never leaves an empty Secret.

* local platform: `mlflow-server-credentials`, the database password (`db-password`) and the
  KEK passphrase (`kek-passphrase`) from Secret Manager and, with `local.credentials:
  service_account_key`, the key (`key.json`) from the sensitive Terraform output; with the key
  also `artifact-registry-pull`, an image pull secret for Artifact Registry, which accepts a key
  as the password of the user `_json_key`;
* `ingress.oauth_client` set: `mlflow-server-iap-oauth` with `client_id` (from the config) and
  `client_secret` (from the Secret Manager secret it names), which the BackendConfig names; on
  the Gateway edge the same Secret with the client secret under `key`, which the
  GCPBackendPolicy's iap.oauth2ClientSecret names (the client ID is in the policy itself).
"""

from __future__ import annotations

import argparse
import base64
import json
import subprocess
import sys
from collections.abc import Callable, Sequence

import yaml

from ops.cli import run
from settings import ConfigError, ExternalCluster, Settings, contract, load_settings
from settings.modes import DatabaseAuth, Edge, SecretLocation


def _read(argv: Sequence[str], what: str) -> str:
    try:
        proc = subprocess.run(list(argv), capture_output=True, text=True, check=False, timeout=120)
    except FileNotFoundError:
        raise ConfigError(f"{what}: '{argv[0]}' is not on PATH") from None
    if proc.returncode:
        raise ConfigError(f"{what}: `{' '.join(argv)}` failed: {proc.stderr.strip()[-500:]}")
    if not proc.stdout.strip():
        raise ConfigError(f"{what}: `{' '.join(argv)}` printed nothing")
    return proc.stdout


def _secret(
    name: str, namespace: str, data: dict[str, str], type_: str = "Opaque"
) -> dict[str, object]:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace},
        "type": type_,
        "data": {k: base64.b64encode(v.encode()).decode() for k, v in data.items()},
    }


def docker_config(registry: str, key_json: str) -> str:
    auth = base64.b64encode(f"_json_key:{key_json}".encode()).decode()
    entry = {"username": "_json_key", "password": key_json, "auth": auth}
    return json.dumps({"auths": {registry: entry}}, sort_keys=True)


# Where gcloud finds a secret's latest version, by where the deployment keeps its secrets.
SECRET_ADDRESS = {
    SecretLocation.GLOBAL: lambda settings, secret: [
        f"--project={settings.project_id}",
        f"--secret={secret}",
    ],
    # A regional secret is addressed by its location too (gcloud secrets versions access
    # --location: https://cloud.google.com/secret-manager/docs/access-secret-version).
    SecretLocation.REGIONAL: lambda settings, secret: [
        f"--project={settings.project_id}",
        f"--secret={secret}",
        f"--location={settings.region}",
    ],
}


def _secret_manager(settings: Settings, secret: str, what: str) -> str:
    address = SECRET_ADDRESS[settings.modes.secret_location](settings, secret)
    return _read(["gcloud", "secrets", "versions", "access", "latest", *address], what)


def secrets(settings: Settings, *, terraform: str = "terraform") -> list[dict[str, object]]:
    """Every out-of-band Secret the environment's manifests name (possibly none)."""
    objects: list[dict[str, object]] = []
    target = settings.target
    if isinstance(target, ExternalCluster):
        objects += _local_secrets(settings, target, terraform=terraform)
    # The Ingress's BackendConfig or the Gateway's GCPBackendPolicy names the custom OAuth
    # client's Secret, each with its own keys.
    layout = OAUTH_SECRET_LAYOUT.get(settings.modes.edge)
    client = settings.ingress.oauth_client if layout else None
    if layout and client is not None:
        client_secret = _secret_manager(settings, client.secret, "the OAuth client secret")
        objects.append(
            _secret(
                settings.names.iap_oauth_secret,
                settings.names.namespace,
                layout(client.client_id, client_secret),
            )
        )
    return objects


# The Secret's keys, by the edge whose object names it. BackendConfig: client_id and
# client_secret (https://cloud.google.com/iap/docs/enabling-gke-howto); GCPBackendPolicy: the
# secret alone under `key`, the ID is the policy's clientID (https://cloud.google.com/
# kubernetes-engine/docs/how-to/configure-gateway-resources#configure_iap).
OAUTH_SECRET_LAYOUT: dict[Edge, Callable[[str, str], dict[str, str]]] = {
    Edge.INGRESS: lambda client_id, secret: {"client_id": client_id, "client_secret": secret},
    Edge.GATEWAY: lambda client_id, secret: {"key": secret},
}


def _local_secrets(
    settings: Settings, target: ExternalCluster, *, terraform: str
) -> list[dict[str, object]]:
    names = settings.names
    data = {}
    if settings.modes.database_auth is DatabaseAuth.PASSWORD:
        data[contract.LOCAL_PASSWORD_KEY] = _secret_manager(
            settings, names.db_password_secret, "the database password"
        )
    data[contract.LOCAL_KEK_KEY] = _secret_manager(
        settings, names.kek_secret, "the secrets passphrase"
    )
    objects = []
    if not target.local.federated:
        stack_dir = f"cdktf.out/stacks/{names.terraform_stack}"
        encoded = _read(
            [terraform, f"-chdir={stack_dir}", "output", "-raw", contract.KEY_OUTPUT],
            "the service-account key",
        )
        data[contract.KEY_FILE] = base64.b64decode(encoded).decode()
        registry = f"{settings.region}-docker.pkg.dev"
        objects.append(
            _secret(
                contract.IMAGE_PULL_SECRET,
                names.namespace,
                {".dockerconfigjson": docker_config(registry, data[contract.KEY_FILE])},
                type_="kubernetes.io/dockerconfigjson",
            )
        )
    objects.insert(0, _secret(names.credentials_secret, names.namespace, data))
    return objects


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terraform", default="terraform", help="terraform or tofu")
    args = parser.parse_args(argv)
    settings = load_settings()
    objects = secrets(settings, terraform=args.terraform)
    if not objects:
        raise ConfigError(
            f"config/{settings.environment}.yaml needs no Secret in the cluster: on GKE the "
            "Secret Manager add-on mounts the database password (set ingress.oauth_client for "
            "a custom IAP OAuth client)"
        )
    sys.stdout.write(yaml.safe_dump_all(objects, sort_keys=True))


if __name__ == "__main__":
    run(main)
