"""Regional secrets: projects/<project>/locations/<region>/secrets/<id>.

The GKE Secret Manager add-on mounts a regional secret by that resource name
(https://cloud.google.com/secret-manager/docs/secret-manager-managed-csi-component: the add-on
"supports global secrets and regional secrets").
"""

from __future__ import annotations

from k8s.secrets.base import KubeSecretLocation


class RegionalSecrets(KubeSecretLocation):
    def latest_version(self, secret_id: str) -> str:
        s = self.settings
        return (
            f"projects/{s.names.project_id}/locations/{s.region}/secrets/{secret_id}"
            "/versions/latest"
        )
