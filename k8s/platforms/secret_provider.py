"""GKE: the pods' secret files come from Secret Manager through the Secret Manager add-on.

No Secret object at all: a SecretProviderClass tells the add-on which secret versions to mount
as which files; the CSI driver fetches them with the pod's Workload Identity, so dist/ never
holds a value. (`local`, a custom IAP OAuth client: ops/cluster_secrets.py, run by
`make secrets`.)
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml
from cdk8s import Chart

from imports.secretproviderclass.io.x_k8s.csi.secrets_store import (
    SecretProviderClass,
    SecretProviderClassSpec,
    SecretProviderClassSpecProvider,
)
from k8s.pod_secrets import SecretFile


def secret_provider_class(chart: Chart, *, name: str, files: Sequence[SecretFile]) -> None:
    """The add-on mounts each file's secret version under the file's path."""
    secrets = [{"resourceName": f.resource, "path": f.path} for f in files]
    SecretProviderClass(
        chart,
        "db-password",
        metadata={"name": name},
        spec=SecretProviderClassSpec(
            provider=SecretProviderClassSpecProvider.GKE,
            parameters={"secrets": yaml.safe_dump(secrets, sort_keys=True)},
        ),
    )
