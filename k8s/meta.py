"""Labels, names, paths and sizes that every chart of the workload shares."""

from __future__ import annotations

from dataclasses import dataclass

from cdk8s_plus_33 import k8s

from settings import MLFLOW_VERSION, Settings
from settings.contract import IMAGE_GID, IMAGE_PULL_SECRET, IMAGE_UID
from settings.workload import ContainerResources

# Container sizes are settings (server.resources; defaults and their measurements in
# settings/workload.py). No CPU limit by default: CFS quota throttles request latency, and the
# requests alone already guarantee each container its share (.checkov.yaml, CKV_K8S_11).
# MLflow spools a proxied artifact upload (and download) whole to /tmp: the emptyDir's size
# follows server.artifact_transfers (settings/transfers.py); the cap keeps one runaway upload
# from filling the node's disk.

# The proxy waits this long for open connections after SIGTERM; as a native sidecar it gets
# SIGTERM only after the server container has exited, so grace = server drain + this + margin.
PROXY_MAX_SIGTERM_DELAY_SECONDS = 20
TERMINATION_GRACE_SECONDS = 60
# The load balancer keeps sending to a removed endpoint for up to this long (BackendConfig).
LB_DRAINING_SECONDS = 30

HTTP_PORT_NAME = "http"

# The Kubernetes API types every chart builds with: the `k8s` module of cdk8s-plus-33 (the L1
# classes generated from Kubernetes 1.33's OpenAPI schema), pinned in requirements.txt. At
# least the oldest minor a GKE release channel offers (settings.cluster.OLDEST_CHANNEL_MINOR;
# tests/k8s/test_api_types.py): every field a supported cluster knows is typed.
API_TYPES_VERSION = "1.33"


@dataclass(frozen=True)
class Workload:
    """Names and labels of the MLflow server workload in one environment."""

    namespace: str
    name: str  # Deployment, Service, PDB, BackendConfig, ... share it
    service_account: str
    config_map: str
    secret_provider_class: str
    pull_secret: str
    selector: dict[str, str]
    labels: dict[str, str]
    gc_name: str  # the garbage-collection CronJob and its NetworkPolicy
    migrate_name: str  # `make upgrade`'s schema migration Job and its NetworkPolicy

    @property
    def migrate_selector(self) -> dict[str, str]:
        """The migration Job's pod: the workload's labels, as another component."""
        return {**self.selector, "app.kubernetes.io/component": "schema-migration"}

    @property
    def migrate_labels(self) -> dict[str, str]:
        return {**self.labels, **self.migrate_selector}

    @property
    def gc_selector(self) -> dict[str, str]:
        """The gc pods' labels: the workload's, as another component (no Service selects it)."""
        return {**self.selector, "app.kubernetes.io/component": "garbage-collection"}

    @property
    def gc_labels(self) -> dict[str, str]:
        return {**self.labels, **self.gc_selector}

    @classmethod
    def of(cls, settings: Settings) -> Workload:
        names = settings.names
        selector = {
            "app.kubernetes.io/name": "mlflow",
            "app.kubernetes.io/instance": names.base,
            "app.kubernetes.io/component": "tracking-server",
        }
        labels = {
            **selector,
            "app.kubernetes.io/part-of": "mlflow",
            "app.kubernetes.io/version": MLFLOW_VERSION,
            "app.kubernetes.io/managed-by": "cdk8s",
        }
        return cls(
            namespace=names.namespace,
            name=names.service,
            service_account=names.ksa,
            config_map=f"{names.service}-config",
            secret_provider_class=f"{names.service}-db-password",
            pull_secret=IMAGE_PULL_SECRET,
            selector=selector,
            labels=labels,
            gc_name=f"{names.service}-gc",
            migrate_name=f"{names.service}-db-migrate",
        )


def restricted_security_context(*, uid: int, gid: int) -> k8s.SecurityContext:
    """Pod Security Standard `restricted`, plus a read-only root filesystem."""
    return k8s.SecurityContext(
        run_as_non_root=True,
        run_as_user=uid,
        run_as_group=gid,
        read_only_root_filesystem=True,
        allow_privilege_escalation=False,
        privileged=False,
        capabilities=k8s.Capabilities(drop=["ALL"]),
        seccomp_profile=k8s.SeccompProfile(type="RuntimeDefault"),
    )


def workload_pod_security_context() -> k8s.PodSecurityContext:
    """The server's and the gc job's pods: the image's non-root user and group, owning the
    mounted volumes (fsGroup), with the runtime's default seccomp profile."""
    return k8s.PodSecurityContext(
        run_as_non_root=True,
        run_as_user=IMAGE_UID,
        run_as_group=IMAGE_GID,
        fs_group=IMAGE_GID,
        seccomp_profile=k8s.SeccompProfile(type="RuntimeDefault"),
    )


def resources(sizes: ContainerResources) -> k8s.ResourceRequirements:
    return k8s.ResourceRequirements(
        requests={k: k8s.Quantity.from_string(v) for k, v in sorted(sizes.requests.items())},
        limits={k: k8s.Quantity.from_string(v) for k, v in sorted(sizes.limits.items())},
    )
