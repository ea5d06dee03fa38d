"""Chart `20-server`: the MLflow server Deployment, its Service and PodDisruptionBudget.

The pod runs, in order: the Cloud SQL Auth Proxy as a native sidecar (initContainers[0],
`restartPolicy: Always`), the `db-migrate` init container (`mlflow db upgrade` through that
proxy), then the `mlflow` server. The bundled L1 classes (k8s 1.25 schema) are used rather than
cdk8s-plus-25's Deployment: plus-25 predates native sidecars and would override security and
resource settings with its own defaults; the one field 1.25 lacks is added by a JSON patch.
"""

from __future__ import annotations

import hashlib
import json

from cdk8s import App, Chart, JsonPatch
from cdk8s_plus_25 import k8s

from k8s.autoscaling import add_autoscaler
from k8s.config import config_data
from k8s.meta import (
    DB_PASSWORD_DIR,
    HTTP_PORT_NAME,
    SERVER_GID,
    SERVER_UID,
    TERMINATION_GRACE_SECONDS,
    TMP_DIR,
    Workload,
    resources,
    restricted_security_context,
    workload_pod_security_context,
)
from k8s.patched import PatchedKubeDeployment
from k8s.platforms import KubePlatform, platform_for
from settings import Settings

ENTRYPOINT = ["mlflow-entrypoint"]  # on PATH in the server image
SERVER_CONTAINER = "mlflow"
MIGRATE_CONTAINER = "db-migrate"
DB_PASSWORD_VOLUME = "db-password"  # noqa: S105  # pragma: allowlist secret
TMP_VOLUME = "tmp"


def _http_probe(*, period: int, failures: int, timeout: int = 5) -> k8s.Probe:
    # /health is exempt from MLflow's Host check, so the kubelet's IP Host header passes.
    return k8s.Probe(
        http_get=k8s.HttpGetAction(
            path="/health", port=k8s.IntOrString.from_string(HTTP_PORT_NAME)
        ),
        period_seconds=period,
        failure_threshold=failures,
        timeout_seconds=timeout,
    )


def workload_volumes(platform: KubePlatform, *, tmp_size: str) -> list[k8s.Volume]:
    """/tmp (an emptyDir of `tmp_size`), the secrets volume and the platform's credentials."""
    tmp = k8s.EmptyDirVolumeSource(size_limit=k8s.Quantity.from_string(tmp_size))
    return [
        k8s.Volume(name=TMP_VOLUME, empty_dir=tmp),
        platform.password_volume(DB_PASSWORD_VOLUME),
        *platform.credential_volumes(),
    ]


def workload_mounts(platform: KubePlatform, *, server: bool) -> list[k8s.VolumeMount]:
    mounts = [
        k8s.VolumeMount(name=TMP_VOLUME, mount_path=TMP_DIR),
        k8s.VolumeMount(name=DB_PASSWORD_VOLUME, mount_path=DB_PASSWORD_DIR, read_only=True),
    ]
    if server:  # only what reads GCS (the server, gc) sees the pod's Google credentials
        mounts += platform.server_credential_mounts()
    return mounts


def config_env_from(w: Workload) -> list[k8s.EnvFromSource]:
    return [k8s.EnvFromSource(config_map_ref=k8s.ConfigMapEnvSource(name=w.config_map))]


def pod_spec(settings: Settings, platform: KubePlatform) -> k8s.PodSpec:
    w = platform.workload
    image = settings.names.image
    server_context = restricted_security_context(uid=SERVER_UID, gid=SERVER_GID)
    migrate = k8s.Container(
        name=MIGRATE_CONTAINER,
        image=image,
        image_pull_policy="IfNotPresent",
        command=ENTRYPOINT,
        # The entrypoint holds a Postgres advisory lock: replicas starting together don't race.
        args=["db", "upgrade"],
        env_from=config_env_from(w),
        resources=resources(settings.server.resources.migrate),
        security_context=server_context,
        volume_mounts=workload_mounts(platform, server=False),
    )
    server = k8s.Container(
        name=SERVER_CONTAINER,
        image=image,
        image_pull_policy="IfNotPresent",
        command=ENTRYPOINT,
        # The project's options come from the ConfigMap's MLFLOW_* variables (k8s/config.py);
        # server.extra_args adds the team's (those the project sets are refused).
        args=["server", *settings.server.extra_args],
        env_from=config_env_from(w),
        env=platform.server_env() or None,
        ports=[k8s.ContainerPort(name=HTTP_PORT_NAME, container_port=settings.server.port)],
        # Startup allows 2 min for the first import of MLflow; liveness then restarts a hung
        # worker after 1 min; readiness takes the pod out of the Service within 30 s.
        startup_probe=_http_probe(period=5, failures=24),
        readiness_probe=_http_probe(period=10, failures=3),
        liveness_probe=_http_probe(period=20, failures=3),
        resources=resources(settings.server.resources.server),
        security_context=server_context,
        volume_mounts=workload_mounts(platform, server=True),
    )
    server_settings = settings.server
    spread = [
        k8s.TopologySpreadConstraint(
            max_skew=rule.max_skew,
            topology_key=rule.topology_key,
            when_unsatisfiable=rule.when_unsatisfiable,
            label_selector=k8s.LabelSelector(match_labels=w.selector),
        )
        for rule in server_settings.topology_spread
    ]
    tolerations = [
        k8s.Toleration(
            key=t.key,
            operator=t.operator,
            value=t.value,
            effect=t.effect,
            toleration_seconds=t.toleration_seconds,
        )
        for t in server_settings.tolerations
    ]
    return k8s.PodSpec(
        service_account_name=w.service_account,
        automount_service_account_token=False,
        enable_service_links=False,  # no docker-link env vars for every Service in the namespace
        security_context=workload_pod_security_context(),
        # Server drain, then the proxy's --max-sigterm-delay (it stops after the server).
        termination_grace_period_seconds=TERMINATION_GRACE_SECONDS,
        init_containers=[platform.proxy_container(), migrate],
        containers=[server],
        volumes=workload_volumes(platform, tmp_size=settings.server.artifact_transfers.tmp_size),
        topology_spread_constraints=spread or None,
        node_selector=dict(server_settings.node_selector) or None,
        tolerations=tolerations or None,
    )


def _checksum(data: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def build_server_chart(app: App, settings: Settings) -> Chart:
    platform = platform_for(settings)
    w = platform.workload
    chart = Chart(app, "20-server", namespace=w.namespace, labels=w.labels)
    deployment = PatchedKubeDeployment(
        chart,
        "deployment",
        metadata=k8s.ObjectMeta(name=w.name),
        spec=k8s.DeploymentSpec(
            # With an autoscaler the HPA owns the count: a replicas field here would reset it on
            # every `kubectl apply`.
            replicas=None if settings.server.autoscaling.enabled else settings.server.replicas,
            revision_history_limit=5,
            selector=k8s.LabelSelector(match_labels=w.selector),
            strategy=k8s.DeploymentStrategy(
                type="RollingUpdate",
                # Never below the desired count during a rollout: surge one pod, then swap.
                rolling_update=k8s.RollingUpdateDeployment(
                    max_unavailable=k8s.IntOrString.from_number(0),
                    max_surge=k8s.IntOrString.from_number(1),
                ),
            ),
            template=k8s.PodTemplateSpec(
                metadata=k8s.ObjectMeta(
                    labels={**settings.server.pod_labels, **w.labels},
                    annotations={
                        **settings.server.pod_annotations,
                        # envFrom is read at container start: a changed ConfigMap rolls the pods.
                        "checksum/config": _checksum(config_data(settings)),
                    },
                ),
                spec=pod_spec(settings, platform),
            ),
        ),
    )
    # Native sidecar: `restartPolicy: Always` on an init container (stable in k8s 1.33) is not
    # in the 1.25 schema of the L1 classes.
    deployment.add_json_patch(
        JsonPatch.add("/spec/template/spec/initContainers/0/restartPolicy", "Always")
    )
    if settings.server.affinity:
        # As written in the config (camelCase, a pod spec's shape): no second schema to keep in
        # step; kubernetes-validate checks the result in `make test`.
        deployment.add_json_patch(
            JsonPatch.add("/spec/template/spec/affinity", dict(settings.server.affinity))
        )
    _service(chart, platform)
    k8s.KubePodDisruptionBudget(
        chart,
        "pdb",
        metadata=k8s.ObjectMeta(name=w.name),
        spec=k8s.PodDisruptionBudgetSpec(
            # maxUnavailable 1 (not minAvailable 1): keeps one of two pods through a node
            # drain, and never blocks a drain when a profile runs a single replica.
            max_unavailable=k8s.IntOrString.from_number(1),
            selector=k8s.LabelSelector(match_labels=w.selector),
        ),
    )
    if settings.server.autoscaling.enabled:
        add_autoscaler(chart, settings.server.autoscaling, w)
    platform.add_server_extras(chart)
    return chart


def _service(chart: Chart, platform: KubePlatform) -> None:
    w = platform.workload
    port = k8s.ServicePort(
        name=HTTP_PORT_NAME,
        protocol="TCP",
        port=platform.service_port,
        target_port=k8s.IntOrString.from_string(HTTP_PORT_NAME),
    )
    service_type, annotations = platform.service()
    k8s.KubeService(
        chart,
        "service",
        metadata=k8s.ObjectMeta(name=w.name, annotations=annotations or None),
        spec=k8s.ServiceSpec(type=service_type, selector=w.selector, ports=[port]),
    )
