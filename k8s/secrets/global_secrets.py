"""Global secrets (automatic replication): projects/<project>/secrets/<id>."""

from __future__ import annotations

from k8s.secrets.base import KubeSecretLocation


class GlobalSecrets(KubeSecretLocation):
    def latest_version(self, secret_id: str) -> str:
        return f"projects/{self.settings.names.project_id}/secrets/{secret_id}/versions/latest"
