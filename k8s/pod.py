"""The pod the server and the garbage collector share, built in one place.

Both run the server image's entry point with the ConfigMap's environment, under the image's
non-root user, with the Cloud SQL Auth Proxy as a native sidecar (initContainers[0] with
`restartPolicy: Always`, k8s/proxy.py), a size-capped /tmp,
the secret files (the platform delivers them) and, for the containers that call Google, the
platform's credentials. The server adds its probes, ports and scheduling; gc its restart policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cdk8s_plus_33 import k8s

from k8s.meta import (
    TERMINATION_GRACE_SECONDS,
    Workload,
    resources,
    restricted_security_context,
    workload_pod_security_context,
)
from k8s.platforms import KubePlatform
from k8s.pod_secrets import SecretFile
from settings.contract import IMAGE_GID, IMAGE_UID, PROGRAM, SECRETS_DIR, TMP_DIR
from settings.workload import ContainerResources

SECRETS_VOLUME = "db-password"  # pragma: allowlist secret
TMP_VOLUME = "tmp"


@dataclass(frozen=True, kw_only=True)
class WorkloadPod:
    """The shared parts of the server's and gc's pods.

    Options (all required):
      workload: names and labels; the pod runs as its service account.
      image: the server image.
      platform: the cluster's answers (secrets volume, Google credentials).
      proxy: the Auth Proxy's container (k8s/proxy.py).
      secret_files: the files of the secrets volume (the login's and the KEK passphrase).
    """

    workload: Workload
    image: str
    platform: KubePlatform[Any]
    proxy: k8s.Container
    secret_files: Sequence[SecretFile]

    def container(
        self,
        name: str,
        *,
        args: Sequence[str],
        sizes: ContainerResources,
        google_access: bool,
        ports: Sequence[k8s.ContainerPort] | None = None,
        env: Sequence[k8s.EnvVar] = (),
        startup_probe: k8s.Probe | None = None,
        readiness_probe: k8s.Probe | None = None,
        liveness_probe: k8s.Probe | None = None,
    ) -> k8s.Container:
        """A container of the server image running `mlflow-entrypoint <args>`.

        google_access: it calls Google (GCS): it sees the platform's credentials. Only the
          server and gc do; the migration reads the database alone.
        env: variables beyond the ConfigMap's and the platform's. Default: none.
        startup_probe, readiness_probe, liveness_probe: Default: none.
        """
        mounts = [
            k8s.VolumeMount(name=TMP_VOLUME, mount_path=TMP_DIR),
            k8s.VolumeMount(name=SECRETS_VOLUME, mount_path=SECRETS_DIR, read_only=True),
        ]
        if google_access:
            mounts += self.platform.server_credential_mounts()
        env = [*(self.platform.server_env() if google_access else []), *env]
        return k8s.Container(
            name=name,
            image=self.image,
            image_pull_policy="IfNotPresent",
            command=[PROGRAM],
            args=list(args),
            env_from=[
                k8s.EnvFromSource(
                    config_map_ref=k8s.ConfigMapEnvSource(name=self.workload.config_map)
                )
            ],
            env=env or None,
            ports=list(ports) if ports else None,
            startup_probe=startup_probe,
            readiness_probe=readiness_probe,
            liveness_probe=liveness_probe,
            resources=resources(sizes),
            security_context=restricted_security_context(uid=IMAGE_UID, gid=IMAGE_GID),
            volume_mounts=mounts,
        )

    def spec(
        self,
        *,
        containers: Sequence[k8s.Container],
        init_containers: Sequence[k8s.Container] = (),
        tmp_size: str,
        restart_policy: str | None = None,
        topology_spread_constraints: Sequence[k8s.TopologySpreadConstraint] = (),
        node_selector: dict[str, str] | None = None,
        tolerations: Sequence[k8s.Toleration] = (),
    ) -> k8s.PodSpec:
        """The pod: the proxy first, then `init_containers`, then `containers`.

        tmp_size: the /tmp emptyDir's size limit. Required.
        restart_policy: Default: None (the Deployment's Always).
        """
        tmp = k8s.EmptyDirVolumeSource(size_limit=k8s.Quantity.from_string(tmp_size))
        return k8s.PodSpec(
            service_account_name=self.workload.service_account,
            # The server never calls the Kubernetes API; WI and the CSI driver need no token.
            automount_service_account_token=False,
            enable_service_links=False,  # no docker-link env vars for every Service around
            restart_policy=restart_policy,
            security_context=workload_pod_security_context(),
            # Server drain, then the proxy's --max-sigterm-delay (it stops after the server).
            termination_grace_period_seconds=TERMINATION_GRACE_SECONDS,
            init_containers=[self.proxy, *init_containers],
            containers=list(containers),
            volumes=[
                k8s.Volume(name=TMP_VOLUME, empty_dir=tmp),
                self.platform.secrets_volume(SECRETS_VOLUME, self.secret_files),
                *self.platform.credential_volumes(),
            ],
            topology_spread_constraints=list(topology_spread_constraints) or None,
            node_selector=node_selector or None,
            tolerations=list(tolerations) or None,
        )
