"""A cluster outside Google Cloud (docker-desktop, kind): no Workload Identity, no add-on.

The pods reach Google Cloud as the workload service account through Workload Identity
Federation: a projected service-account token (audience: the federation provider) and a
credential configuration file (no secret in it) in one projected volume; Google's client
libraries and the Auth Proxy exchange the token at STS and impersonate the account. With
`local.credentials: service_account_key` (an explicit opt-in) a key does the same.

Nothing secret is synthesized: the secret files (and the opt-in key) live in a Secret that
`make secrets` creates straight from Secret Manager (and Terraform state) with kubectl.
The NetworkPolicy limits ports only: Cloud SQL's public IP and the public googleapis.com
addresses have no fixed range (k8s/policy.py).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdk8s import Chart
from cdk8s_plus_33 import k8s

from k8s import flows
from k8s.flows import Flow
from k8s.platforms.base import KubePlatform
from k8s.pod_secrets import SecretFile
from settings import ExternalCluster
from settings.contract import (
    CREDENTIAL_CONFIG_FILE,
    GCP_CREDENTIALS_DIR,
    KEY_FILE,
    TOKEN_FILE,
)
from settings.local import LocalSettings

SECRET_FILE_MODE = 0o440  # owner and fsGroup read: the server (10001) and the proxy (+10001)
CREDENTIALS_VOLUME = "gcp-credentials"
STS_TOKEN_URL = "https://sts.googleapis.com/v1/token"  # noqa: S105  # pragma: allowlist secret
IMPERSONATION_URL = "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/{email}:generateAccessToken"


def credential_configuration(
    *, audience: str, service_account: str, token_file: str
) -> dict[str, object]:
    """The `external_account` file (what `gcloud iam workload-identity-pools create-cred-config
    --credential-source-file=... --service-account=...` writes): the token comes from a file,
    is exchanged at STS, then the workload service account is impersonated."""
    return {
        "type": "external_account",
        "universe_domain": "googleapis.com",
        "audience": audience,
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",  # pragma: allowlist secret
        "token_url": STS_TOKEN_URL,
        "credential_source": {"file": token_file, "format": {"type": "text"}},
        "service_account_impersonation_url": IMPERSONATION_URL.format(email=service_account),
    }


class LocalPlatform(KubePlatform[ExternalCluster]):
    @property
    def local(self) -> LocalSettings:
        return self.target.local

    @property
    def audience(self) -> str | None:
        """The federation provider's audience (None with the key opt-in)."""
        return self.names.federation_audience if self.local.federated else None

    @property
    def credentials_file(self) -> str:
        name = CREDENTIAL_CONFIG_FILE if self.local.federated else KEY_FILE
        return f"{GCP_CREDENTIALS_DIR}/{name}"

    def image_pull_secrets(self) -> list[str]:
        # Federated pods cannot pull with their token: the node runs an image that the user
        # pulled (docker-desktop) or loaded (kind) with their own credentials (docs/local.md).
        return [] if self.local.federated else [self.workload.pull_secret]

    def add_secret_objects(self, chart: Chart, files: Sequence[SecretFile]) -> None:
        # The files' Secret is `make secrets`' (never in dist/); federation needs its credential
        # configuration, which holds no secret.
        audience = self.audience
        if audience is None:
            return
        config = credential_configuration(
            audience=audience,
            service_account=self.names.workload_sa_email,
            token_file=f"{GCP_CREDENTIALS_DIR}/{TOKEN_FILE}",
        )
        k8s.KubeConfigMap(
            chart,
            "gcp-credentials",
            metadata=k8s.ObjectMeta(name=self.names.gcp_credentials_config_map),
            # One line, so that k8s/review.py can mark it for detect-secrets (`token_url`).
            data={CREDENTIAL_CONFIG_FILE: json.dumps(config, sort_keys=True)},
        )

    def secrets_volume(self, name: str, files: Sequence[SecretFile]) -> k8s.Volume:
        return k8s.Volume(
            name=name,
            secret=k8s.SecretVolumeSource(
                secret_name=self.names.credentials_secret,
                default_mode=SECRET_FILE_MODE,
                items=[k8s.KeyToPath(key=f.key, path=f.path) for f in files],
            ),
        )

    def credential_volumes(self) -> list[k8s.Volume]:
        audience = self.audience
        if audience is not None:
            sources = [
                k8s.VolumeProjection(
                    service_account_token=k8s.ServiceAccountTokenProjection(
                        # The provider's own name, with https: (its default allowed audience).
                        audience="https:" + audience,
                        expiration_seconds=self.local.token_expiration_seconds,
                        path=TOKEN_FILE,
                    )
                ),
                k8s.VolumeProjection(
                    config_map=k8s.ConfigMapProjection(
                        name=self.names.gcp_credentials_config_map,
                        items=[
                            k8s.KeyToPath(key=CREDENTIAL_CONFIG_FILE, path=CREDENTIAL_CONFIG_FILE)
                        ],
                    )
                ),
            ]
            projected = k8s.ProjectedVolumeSource(sources=sources, default_mode=SECRET_FILE_MODE)
            return [k8s.Volume(name=CREDENTIALS_VOLUME, projected=projected)]
        return [
            k8s.Volume(
                name=CREDENTIALS_VOLUME,
                secret=k8s.SecretVolumeSource(
                    secret_name=self.names.credentials_secret,
                    default_mode=SECRET_FILE_MODE,
                    items=[k8s.KeyToPath(key=KEY_FILE, path=KEY_FILE)],
                ),
            )
        ]

    def _credential_mount(self) -> k8s.VolumeMount:
        return k8s.VolumeMount(
            name=CREDENTIALS_VOLUME, mount_path=GCP_CREDENTIALS_DIR, read_only=True
        )

    def server_credential_mounts(self) -> list[k8s.VolumeMount]:
        return [self._credential_mount()]

    def server_env(self) -> list[k8s.EnvVar]:
        # Application Default Credentials: google-auth reads a key or an external_account file.
        return [k8s.EnvVar(name="GOOGLE_APPLICATION_CREDENTIALS", value=self.credentials_file)]

    def proxy_credentials(self) -> tuple[str, k8s.VolumeMount]:
        return self.credentials_file, self._credential_mount()

    def cluster_egress(self) -> list[Flow]:
        # CoreDNS (k8s-app=kube-dns on kind, minikube, docker-desktop) and a NodeLocal DNSCache
        # where the cluster runs one; no metadata server outside Google Cloud.
        return [flows.dns(flows.NODE_LOCAL_DNS)]

    def google_apis_egress(self) -> list[Flow]:
        # STS, IAM credentials, GCS, SQL Admin on Google's public addresses: no fixed range.
        return [flows.anywhere(flows.HTTPS_PORT)]
