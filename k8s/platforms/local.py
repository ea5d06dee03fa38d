"""A cluster outside Google Cloud (docker-desktop, kind): a key file, a LoadBalancer Service.

No Ingress or NetworkPolicy: docker-desktop's network does not enforce NetworkPolicy, and the
proxy reaches Cloud SQL's public IP and the public googleapis.com addresses, which have no
fixed range.
"""

from __future__ import annotations

from cdk8s import Chart
from cdk8s_plus_25 import k8s

from k8s import proxy
from k8s.meta import DB_PASSWORD_KEY, GCP_KEY_DIR, GCP_KEY_KEY
from k8s.platforms.base import KubePlatform
from k8s.secrets import DB_PASSWORD_SECRET_KEY, GCP_KEY_SECRET_KEY, local_secrets

SECRET_FILE_MODE = 0o440  # owner and fsGroup read: the server (10001) and the proxy (+10001)


class LocalPlatform(KubePlatform):
    @property
    def service_port(self) -> int:
        assert self.settings.local is not None  # the settings model requires the section
        return self.settings.local.service_port

    def image_pull_secrets(self) -> list[str]:
        return [self.workload.pull_secret]

    def add_secret_objects(self, chart: Chart) -> None:
        local_secrets(chart, self.settings)

    def _secret_file(self, name: str, key: str, path: str) -> k8s.Volume:
        return k8s.Volume(
            name=name,
            secret=k8s.SecretVolumeSource(
                secret_name=self.workload.credentials_secret,
                default_mode=SECRET_FILE_MODE,
                items=[k8s.KeyToPath(key=key, path=path)],
            ),
        )

    def password_volume(self, name: str) -> k8s.Volume:
        return self._secret_file(name, DB_PASSWORD_SECRET_KEY, DB_PASSWORD_KEY)

    def credential_volumes(self) -> list[k8s.Volume]:
        return [self._secret_file(proxy.GCP_KEY_VOLUME, GCP_KEY_SECRET_KEY, GCP_KEY_SECRET_KEY)]

    def server_credential_mounts(self) -> list[k8s.VolumeMount]:
        return [k8s.VolumeMount(name=proxy.GCP_KEY_VOLUME, mount_path=GCP_KEY_DIR, read_only=True)]

    def server_env(self) -> list[k8s.EnvVar]:
        # Only the server reads GCS, so only its container mounts the key and points to it.
        return [
            k8s.EnvVar(name="GOOGLE_APPLICATION_CREDENTIALS", value=f"{GCP_KEY_DIR}/{GCP_KEY_KEY}")
        ]

    def proxy_container(self) -> k8s.Container:
        # Outside the VPC: the public IP (no authorized networks; the proxy's mTLS only), a key.
        return proxy.proxy_container(
            connection_name=self.settings.names.connection_name,
            image=self.settings.server.proxy_image,
            private_ip=False,
            credentials_file=f"{GCP_KEY_DIR}/{GCP_KEY_KEY}",
        )

    def service(self) -> tuple[str, dict[str, str]]:
        # docker-desktop publishes a LoadBalancer Service on localhost:<port>.
        return "LoadBalancer", {}
