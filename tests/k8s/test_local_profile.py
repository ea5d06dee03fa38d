"""The local profile (a cluster outside Google Cloud): keyless by default, a key only on request.

Both sides: the Terraform federation (pool, provider, impersonation grant) and the manifests
(projected token, credential configuration, mounts, proxy flags); the credential configuration
is parsed by google-auth itself; the Secrets `make secrets` pipes into the cluster; and
`make local-oidc`'s JWKS writer.
"""

from __future__ import annotations

import base64
import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, ConfigError, Settings
from settings.model import public_jwks

Objects = dict[str, list[dict[str, Any]]]


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


@pytest.fixture(scope="module")
def local_tf(tf_synth: Callable[[Settings], dict[str, Any]], local_settings: Settings) -> Any:
    return tf_synth(local_settings)


@pytest.fixture(scope="module")
def keyed_tf(tf_synth: Callable[[Settings], dict[str, Any]], keyed_settings: Settings) -> Any:
    return tf_synth(keyed_settings)


def _credential_configuration(objects: Objects, settings: Settings) -> dict[str, Any]:
    (cm,) = [
        o
        for o in _objects(objects)
        if o["kind"] == "ConfigMap"
        and o["metadata"]["name"] == settings.names.gcp_credentials_config_map
    ]
    return dict(json.loads(cm["data"]["credential-configuration.json"]))


# --- Kubernetes side -----------------------------------------------------------------------------


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
        {"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": config_file}
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
    assert containers["mlflow"]["env"] == [{"name": "GOOGLE_APPLICATION_CREDENTIALS", "value": key}]
    sa = next(o for o in _objects(keyed) if o["kind"] == "ServiceAccount")
    assert sa["imagePullSecrets"] == [{"name": "artifact-registry-pull"}]


# --- Terraform side ------------------------------------------------------------------------------


def test_federation_trusts_the_clusters_issuer_and_keys_for_one_service_account(
    local_tf: Any, local_settings: Settings
) -> None:
    names, local = local_settings.names, local_settings.local
    assert local is not None
    resources = local_tf["resource"]
    (pool,) = resources["google_iam_workload_identity_pool"].values()
    (provider,) = resources["google_iam_workload_identity_pool_provider"].values()
    assert pool["workload_identity_pool_id"] == names.federation_pool
    assert provider["workload_identity_pool_provider_id"] == names.federation_provider
    assert provider["oidc"]["issuer_uri"] == local.oidc_issuer
    assert json.loads(provider["oidc"]["jwks_json"]) == json.loads(
        (REPO_ROOT / "tests/configs/local.jwks.json").read_text()
    )
    assert "allowed_audiences" not in provider["oidc"]  # default: the provider's own name
    assert provider["attribute_mapping"]["google.subject"] == "assertion.sub"
    assert provider["attribute_condition"] == f'assertion.sub == "{names.federation_subject}"'
    (grant,) = resources["google_service_account_iam_member"].values()
    assert grant["role"] == "roles/iam.workloadIdentityUser"
    assert grant["member"].startswith("principal://iam.googleapis.com/${")
    assert grant["member"].endswith(f"/subject/{names.federation_subject}")
    assert "google_service_account_key" not in resources
    services = {r["service"] for r in resources["google_project_service"].values()}
    assert "sts.googleapis.com" in services


def test_project_number_is_checked_at_plan_time(local_tf: Any) -> None:
    (project,) = local_tf["data"]["google_project"].values()
    (check,) = project["lifecycle"]["postcondition"]
    assert check["condition"] == '${self.number == "123123123123"}'
    assert "gcloud projects describe acme-ml-laptop" in check["error_message"]


def test_key_opt_in_creates_a_sensitive_key_and_no_federation(keyed_tf: Any) -> None:
    resources = keyed_tf["resource"]
    assert "google_iam_workload_identity_pool" not in resources
    assert len(resources["google_service_account_key"]) == 1
    assert keyed_tf["output"]["workload_sa_key"]["sensitive"] is True


# --- Settings ---------------------------------------------------------------------------------


def test_federation_needs_the_issuer_and_the_project_number() -> None:
    from settings import parse_settings

    base = {
        "project_id": "acme-ml-laptop",
        "region": "europe-west4",
        "platform": "local",
        "database": {"allow_public_ip": True},
    }
    with pytest.raises(ConfigError, match="needs oidc_issuer"):
        parse_settings(yaml.safe_dump({**base, "local": {}}), env="t", source="t.yaml")
    issuer = {"local": {"oidc_issuer": "https://kubernetes.default.svc"}}
    with pytest.raises(ConfigError, match=r"needs project_number .*gcloud projects describe"):
        parse_settings(yaml.safe_dump({**base, **issuer}), env="t", source="t.yaml")


def test_jwks_file_must_hold_public_keys_only(tmp_path: Path) -> None:
    private = tmp_path / "private.jwks.json"
    private.write_text(json.dumps({"keys": [{"kty": "EC", "kid": "k", "d": "secret-part"}]}))
    with pytest.raises(ValueError, match="private members d; upload public keys only"):
        public_jwks(str(private))
    with pytest.raises(ValueError, match=r"no such file .*make local-oidc"):
        public_jwks(str(tmp_path / "absent.json"))
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(ValueError, match="must be a JWKS"):
        public_jwks(str(tmp_path / "list.json"))


def test_local_oidc_writes_the_keys_and_checks_the_issuer(tmp_path: Path) -> None:
    from settings.oidc import write_jwks

    jwks = (REPO_ROOT / "tests/configs/local.jwks.json").read_text()
    target = tmp_path / "cluster.jwks.json"
    discovery = json.dumps({"issuer": "https://kind.example"})
    message = write_jwks(
        jwks=jwks, jwks_file=str(target), issuer="https://kind.example", discovery=discovery
    )
    assert "1 keys" in message
    assert json.loads(target.read_text()) == json.loads(jwks)
    with pytest.raises(ConfigError, match=r"set local\.oidc_issuer: https://kind\.example"):
        write_jwks(jwks=jwks, jwks_file=str(target), issuer="https://other", discovery=discovery)
    bad = json.dumps({"keys": [{"kty": "RSA", "n": "x", "e": "AQAB", "d": "y"}]})
    with pytest.raises(ConfigError, match="private members"):
        write_jwks(
            jwks=bad, jwks_file=str(target), issuer="https://kind.example", discovery=discovery
        )
    assert json.loads(target.read_text()) == json.loads(jwks)  # the good file stays


# --- make secrets -----------------------------------------------------------------------------


PASSPHRASE_DOCUMENT = '{"version": 1, "passphrase": "stand-in", "previous": []}'


def _fake_tools(folder: Path, *, password: str, key: str, fail: str = "") -> dict[str, str]:
    """gcloud and terraform stand-ins that print what the real ones would (or fail). The gcloud
    one prints the KEK document for a `--secret=...-kek`, the password for any other."""
    folder.mkdir()
    encoded = base64.b64encode(key.encode()).decode()
    gcloud = (
        "case \"$*\" in *--secret=*-kek*) printf '%s' '" + PASSPHRASE_DOCUMENT + "';; "
        f"*) printf '%s' '{password}';; esac"
    )
    for name, body in (("gcloud", gcloud), ("terraform", f"printf '%s' '{encoded}'")):
        script = folder / name
        body = "echo 'denied' >&2; exit 1" if name == fail else body
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def _local_secrets(env: str, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "k8s.cluster_secrets"],
        cwd=REPO_ROOT,
        env={**environ, "DEPLOY_ENV": env, "DEPLOY_CONFIG_DIR": str(REPO_ROOT / "tests/configs")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.integration
def test_local_secrets_pipes_the_password_and_the_opt_in_key(
    tmp_path: Path, keyed_settings: Settings
) -> None:
    key = '{"kind": "stand-in for a key file"}'
    password = "pw-from-secret-manager"  # pragma: allowlist secret
    environ = _fake_tools(tmp_path / "bin", password=password, key=key)
    proc = _local_secrets("keyed", environ)
    assert proc.returncode == 0, proc.stderr
    creds, pull = yaml.safe_load_all(proc.stdout)
    names = keyed_settings.names
    assert creds["metadata"] == {"name": names.credentials_secret, "namespace": names.namespace}
    data = {k: base64.b64decode(v).decode() for k, v in creds["data"].items()}
    assert data == {
        "db-password": password,
        "kek-passphrase": PASSPHRASE_DOCUMENT,
        "key.json": key,
    }
    assert pull["type"] == "kubernetes.io/dockerconfigjson"
    auths = json.loads(base64.b64decode(pull["data"][".dockerconfigjson"]))["auths"]
    assert auths["europe-west4-docker.pkg.dev"]["password"] == key
    # Federation: the password and the passphrase only.
    proc = _local_secrets("local", environ)
    (only,) = yaml.safe_load_all(proc.stdout)
    assert set(only["data"]) == {"db-password", "kek-passphrase"}


@pytest.mark.integration
def test_local_secrets_prints_nothing_when_a_read_fails(tmp_path: Path) -> None:
    environ = _fake_tools(tmp_path / "bin", password="pw", key="{}", fail="terraform")
    proc = _local_secrets("keyed", environ)
    assert proc.returncode == 2
    assert proc.stdout == ""  # kubectl apply gets no half-made Secret
    assert proc.stderr.startswith("error: the service-account key: `terraform")
    assert "denied" in proc.stderr


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
