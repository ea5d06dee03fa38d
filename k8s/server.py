"""Chart `20-server`: the MLflow server Deployment, its Service and PodDisruptionBudget.

The pod runs, in order: the Cloud SQL Auth Proxy as a native sidecar (initContainers[0],
`restartPolicy: Always`), the `db-migrate` init container (`mlflow db upgrade` through that
proxy), then the `mlflow` server (k8s/pod.py builds it, as gc's). The L1 classes of
cdk8s-plus-33's `k8s` module (Kubernetes 1.33 types, k8s/meta.py API_TYPES_VERSION) are used
rather than its Deployment construct, which would override security and resource settings with
its own defaults.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from cdk8s import Chart, JsonPatch
from cdk8s_plus_33 import k8s
from constructs import Construct

from k8s.autoscaling import add_autoscaler
from k8s.edges import KubeEdge
from k8s.meta import API_TYPES_VERSION, HTTP_PORT_NAME, Workload
from k8s.platforms import KubePlatform
from k8s.pod import WorkloadPod
from settings import ConfigError, contract
from settings.server import ServerSettings

SERVER_CONTAINER = "mlflow"
MIGRATE_CONTAINER = "db-migrate"


def first_lost_field(written: Any, kept: Any, path: str) -> str | None:
    """The first field of `written` (a config's JSON) that `kept` (the synthesized JSON) lacks."""
    if isinstance(written, dict):
        if not isinstance(kept, dict):
            return path
        for key, value in written.items():
            if key not in kept:
                return f"{path}.{key}"
            lost = first_lost_field(value, kept[key], f"{path}.{key}")
            if lost:
                return lost
        return None
    if isinstance(written, list):
        if not isinstance(kept, list) or len(kept) != len(written):
            return path
        for i, (w, k) in enumerate(zip(written, kept, strict=True)):
            lost = first_lost_field(w, k, f"{path}[{i}]")
            if lost:
                return lost
    return None


def _http_probe(*, period: int, failures: int, timeout: int = 5) -> k8s.Probe:
    # /health is exempt from MLflow's Host check, so the kubelet's IP Host header passes.
    return k8s.Probe(
        http_get=k8s.HttpGetAction(
            path=contract.HEALTH_PATH, port=k8s.IntOrString.from_string(HTTP_PORT_NAME)
        ),
        period_seconds=period,
        failure_threshold=failures,
        timeout_seconds=timeout,
    )


def server_pod_spec(pod: WorkloadPod, server: ServerSettings) -> k8s.PodSpec:
    """The migration, then the server, with the server's scheduling knobs."""
    w = pod.workload
    migrate = pod.container(
        MIGRATE_CONTAINER,
        # The entrypoint holds a Postgres advisory lock: replicas starting together don't race.
        args=contract.DB_UPGRADE,
        sizes=server.resources.migrate,
        google_access=False,
    )
    serving = pod.container(
        SERVER_CONTAINER,
        # The project's options come from the ConfigMap's MLFLOW_* variables (k8s/config.py);
        # server.extra_args adds the team's (those the project sets are refused).
        args=[contract.SERVER_COMMAND, *server.extra_args],
        sizes=server.resources.server,
        google_access=True,
        ports=[k8s.ContainerPort(name=HTTP_PORT_NAME, container_port=server.port)],
        # The pod's own address, which the entry point adds to the allowed Host headers: Managed
        # Prometheus scrapes http://<pod IP>:<port>/metrics. The downward API:
        # https://kubernetes.io/docs/concepts/workloads/pods/downward-api/#downwardapi-fieldRef
        env=[
            k8s.EnvVar(
                name=contract.POD_IP_ENV,
                value_from=k8s.EnvVarSource(
                    field_ref=k8s.ObjectFieldSelector(field_path="status.podIP")
                ),
            )
        ],
        # Startup allows 2 min for the first import of MLflow; liveness then restarts a hung
        # worker after 1 min; readiness takes the pod out of the Service within 30 s.
        startup_probe=_http_probe(period=5, failures=24),
        readiness_probe=_http_probe(period=10, failures=3),
        liveness_probe=_http_probe(period=20, failures=3),
    )
    spread = [
        k8s.TopologySpreadConstraint(
            max_skew=rule.max_skew,
            topology_key=rule.topology_key,
            when_unsatisfiable=rule.when_unsatisfiable,
            label_selector=k8s.LabelSelector(match_labels=w.selector),
        )
        for rule in server.topology_spread
    ]
    tolerations = [
        k8s.Toleration(
            key=t.key,
            operator=t.operator,
            value=t.value,
            effect=t.effect,
            toleration_seconds=t.toleration_seconds,
        )
        for t in server.tolerations
    ]
    return pod.spec(
        init_containers=[migrate],
        containers=[serving],
        tmp_size=server.artifact_transfers.tmp_size,
        topology_spread_constraints=spread,
        node_selector=dict(server.node_selector),
        tolerations=tolerations,
    )


def config_checksum(data: dict[str, str]) -> str:
    """envFrom is read at container start: the pods carry the ConfigMap's hash, so a changed
    ConfigMap rolls them."""
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


class ServerChart(Chart):
    """The Deployment, its Service (the edge's type and annotations), the PodDisruptionBudget,
    the autoscaler when on, and the platform's objects beside them.

    Options (all required):
      pod: the shared pod builder (k8s/pod.py).
      server: the `server` settings (replicas, autoscaling, scheduling, labels...).
      edge: the Service's type, annotations and port.
      platform: objects beside the Deployment (GKE: the PodMonitoring).
      config: the ConfigMap's data (its hash rolls the pods).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        pod: WorkloadPod,
        server: ServerSettings,
        edge: KubeEdge,
        platform: KubePlatform[Any],
        config: dict[str, str],
    ) -> None:
        w = pod.workload
        super().__init__(scope, id, namespace=w.namespace, labels=w.labels)
        deployment = k8s.KubeDeployment(
            self,
            "deployment",
            metadata=k8s.ObjectMeta(name=w.name),
            spec=k8s.DeploymentSpec(
                # With an autoscaler the HPA owns the count: a replicas field here would reset
                # it on every `kubectl apply`.
                replicas=None if server.autoscaling.enabled else server.replicas,
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
                        labels={**server.pod_labels, **w.labels},
                        annotations={
                            **server.pod_annotations,
                            "checksum/config": config_checksum(config),
                        },
                    ),
                    spec=server_pod_spec(pod, server),
                ),
            ),
        )
        if server.affinity:
            # As written in the config (camelCase, a pod spec's shape), mapped through the typed
            # pod spec like every other field: a field the types lack would vanish, so it fails.
            deployment.add_json_patch(
                JsonPatch.add("/spec/template/spec/affinity", dict(server.affinity))
            )
            kept = deployment.to_json()["spec"]["template"]["spec"].get("affinity")
            lost = first_lost_field(dict(server.affinity), kept, "affinity")
            if lost:
                raise ConfigError(
                    f"server.affinity: {lost} is not a field of the Kubernetes pod spec's "
                    f"affinity (Kubernetes {API_TYPES_VERSION} types): check its spelling "
                    "(camelCase, as in a pod spec)"
                )
        self._service(w, edge)
        k8s.KubePodDisruptionBudget(
            self,
            "pdb",
            metadata=k8s.ObjectMeta(name=w.name),
            spec=k8s.PodDisruptionBudgetSpec(
                # maxUnavailable 1 (not minAvailable 1): keeps one of two pods through a node
                # drain, and never blocks a drain when a profile runs a single replica.
                max_unavailable=k8s.IntOrString.from_number(1),
                selector=k8s.LabelSelector(match_labels=w.selector),
            ),
        )
        if server.autoscaling.enabled:
            add_autoscaler(self, server.autoscaling, w)
        platform.add_server_extras(self)

    def _service(self, w: Workload, edge: KubeEdge) -> None:
        port = k8s.ServicePort(
            name=HTTP_PORT_NAME,
            protocol="TCP",
            port=edge.service_port,
            target_port=k8s.IntOrString.from_string(HTTP_PORT_NAME),
        )
        service_type, annotations = edge.service()
        k8s.KubeService(
            self,
            "service",
            metadata=k8s.ObjectMeta(name=w.name, annotations=annotations or None),
            spec=k8s.ServiceSpec(type=service_type, selector=w.selector, ports=[port]),
        )
