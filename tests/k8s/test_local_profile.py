"""The local profile (a cluster outside Google Cloud) in the manifests: keyless by default (a
projected token, the credential configuration google-auth itself parses, the mounts, the proxy
flags), a key from the Secret `make secrets` creates only on request."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from settings import Settings

Objects = dict[str, list[dict[str, Any]]]

# The server container's own address (k8s/server.py), beside the platform's variables.
POD_IP = {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}


def _objects(objects: Objects) -> list[dict[str, Any]]:
    return [o for docs in objects.values() for o in docs]


def _pod(objects: Objects) -> dict[str, Any]:
    (deployment,) = [o for o in _objects(objects) if o["kind"] == "Deployment"]
    return deployment["spec"]["template"]["spec"]


def _containers(objects: Objects) -> dict[str, dict[str, Any]]:
    pod = _pod(objects)
    return {c["name"]: c for c in [*pod["initContainers"], *pod["containers"]]}


@pytest.fixture(scope="module")
def local(k8s_synth: Callable[[Settings], Objects], local_settings: Settings) -> Objects:
    return k8s_synth(local_settings)


@pytest.fixture(scope="module")
def keyed(k8s_synth: Callable[[Settings], Objects], keyed_settings: Settings) -> Objects:
    return k8s_synth(keyed_settings)


def _credential_configuration(objects: Objects, settings: Settings) -> dict[str, Any]:
    (cm,) = [
        o
        for o in _objects(objects)
        if o["kind"] == "ConfigMap"
        and o["metadata"]["name"] == settings.names.gcp_credentials_config_map
    ]
    return dict(json.loads(cm["data"]["credential-configuration.json"]))


def test_no_secret_is_synthesized_on_either_local_profile(local: Objects, keyed: Objects) -> None:
    for objects in (local, keyed):
        assert not [o for o in _objects(objects) if o["kind"] == "Secret"]


def test_federation_credential_configuration_is_what_google_auth_reads(
    local: Objects, local_settings: Settings, tmp_path: Path
) -> None:
    from google.auth import identity_pool

    config = _credential_configuration(local, local_settings)
    names = local_settings.names
    assert config["type"] == "external_account"
    assert config["audience"] == names.federation_audience
    assert config["audience"].startswith("//iam.googleapis.com/projects/123123123123/")
    assert config["service_account_impersonation_url"].endswith(
        f"/serviceAccounts/{names.workload_sa_email}:generateAccessToken"
    )
    # google-auth parses the file as the server's GCS client will, and reads its token source.
    token = tmp_path / "token"
    token.write_text("header.payload.signature")
    creds = identity_pool.Credentials.from_info(
        {**config, "credential_source": {**config["credential_source"], "file": str(token)}}
    )
    assert creds.service_account_email == names.workload_sa_email
    assert creds.retrieve_subject_token(None) == "header.payload.signature"


def test_federation_projects_a_token_for_the_provider_beside_the_configuration(
    local: Objects, local_settings: Settings
) -> None:
    config = _credential_configuration(local, local_settings)
    pod = _pod(local)
    (volume,) = [v for v in pod["volumes"] if v["name"] == "gcp-credentials"]
    token, cm = volume["projected"]["sources"]
    assert token["serviceAccountToken"] == {
        # The provider's own name, https form: its default allowed audience.
        "audience": "https:" + config["audience"],
        "expirationSeconds": local_settings.local.token_expiration_seconds,  # type: ignore[union-attr]
        "path": "token",
    }
    assert cm["configMap"]["name"] == local_settings.names.gcp_credentials_config_map
    containers = _containers(local)
    mount = {m["name"]: m for m in containers["mlflow"]["volumeMounts"]}["gcp-credentials"]
    assert mount["readOnly"] is True
    assert config["credential_source"]["file"] == f"{mount['mountPath']}/token"
    config_file = f"{mount['mountPath']}/credential-configuration.json"
    assert containers["mlflow"]["env"] == [
        {"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": config_file},
        POD_IP,
    ]
    # The Auth Proxy takes an external_account file in --credentials-file (v2.25.3 root.go).
    assert f"--credentials-file={config_file}" in containers["cloud-sql-proxy"]["args"]
    assert "--private-ip" not in containers["cloud-sql-proxy"]["args"]
    assert "gcp-credentials" not in {m["name"] for m in containers["db-migrate"]["volumeMounts"]}
    sa = next(o for o in _objects(local) if o["kind"] == "ServiceAccount")
    assert "imagePullSecrets" not in sa
    assert sa["automountServiceAccountToken"] is False  # only the projected token is mounted


def test_key_opt_in_mounts_the_key_from_the_secret_local_secrets_creates(
    keyed: Objects, keyed_settings: Settings
) -> None:
    pod = _pod(keyed)
    volumes = {v["name"]: v for v in pod["volumes"]}
    secret = keyed_settings.names.credentials_secret
    assert volumes["gcp-credentials"]["secret"]["secretName"] == secret
    assert volumes["db-password"]["secret"]["secretName"] == secret
    # The password and the KEK passphrase, each under the file name the ConfigMap gives.
    assert volumes["db-password"]["secret"]["items"] == [
        {"key": "db-password", "path": "password"},
        {"key": "kek-passphrase", "path": "kek-passphrase"},
    ]
    containers = _containers(keyed)
    key = "/var/run/secrets/mlflow/gcp/key.json"
    assert f"--credentials-file={key}" in containers["cloud-sql-proxy"]["args"]
    assert containers["mlflow"]["env"] == [
        {"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": key},
        POD_IP,
    ]
    sa = next(o for o in _objects(keyed) if o["kind"] == "ServiceAccount")
    assert sa["imagePullSecrets"] == [{"name": "artifact-registry-pull"}]


def test_local_network_policy_limits_ports(local: Objects, local_settings: Settings) -> None:
    (policy,) = [
        o
        for o in _objects(local)
        if o["kind"] == "NetworkPolicy"
        and o["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/component"]
        == "tracking-server"
    ]
    spec = policy["spec"]
    assert set(spec["policyTypes"]) == {"Ingress", "Egress"}
    (ingress,) = spec["ingress"]
    assert ingress == {"ports": [{"port": local_settings.server.port, "protocol": "TCP"}]}
    ports = {p["port"] for rule in spec["egress"] for p in rule["ports"]}
    assert ports == {53, 443, 3307}  # DNS, Google APIs, the instance's public IP
