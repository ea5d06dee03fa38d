"""Chart `10-config`: the server's identity (ServiceAccount) and non-secret settings (ConfigMap)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cdk8s_plus_33 as kplus
from cdk8s import Chart
from cdk8s_plus_33 import k8s
from constructs import Construct

from k8s.edges import KubeEdge
from k8s.meta import Workload
from k8s.platforms import KubePlatform
from k8s.pod_secrets import SecretFile
from settings import Names, contract
from settings.server import ServerSettings
from settings.transfers import GCS_UPLOAD_CHUNK_BYTES

# What kubectl port-forward's clients call it (a browser sends `[::1]:port` for IPv6).
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def allowed_hosts(w: Workload, edge: KubeEdge, platform: KubePlatform[Any]) -> list[str]:
    """Host headers the server accepts (MLflow's DNS-rebinding guard answers 403 to others).

    Setting the list replaces MLflow's default (localhost + private IPs), so it names every way
    a client reaches the server: the Service's DNS names with and without the port, what the
    edge adds (on GKE the ingress host), what the platform adds (default: nothing) and the
    port-forward forms (`make port-forward` listens on localhost:<service port>; kubectl binds
    127.0.0.1 and ::1). /health and /version are exempt.

    Exact names only, never an fnmatch pattern: `10.16.*` also matched
    `10.16.rebind.attacker.example:5000`, a name an attacker's DNS can point at 127.0.0.1, so a
    web page on it could read the server through a running port-forward (DNS rebinding). The
    pod's own address (Managed Prometheus scrapes /metrics by pod IP) is known only at run
    time: `mlflow-entrypoint server` adds `<pod IP>` and `<pod IP>:<port>` from POD_IP (the
    downward API, k8s/server.py).
    """
    port = edge.service_port
    hosts: list[str] = []
    for name in (
        w.name,
        f"{w.name}.{w.namespace}",
        f"{w.name}.{w.namespace}.svc",
        f"{w.name}.{w.namespace}.svc.cluster.local",
    ):
        hosts += [name, f"{name}:{port}"]
    hosts += edge.allowed_hosts()
    hosts += platform.allowed_hosts()
    hosts += [f"{name}:{port}" for name in LOOPBACK_NAMES]
    return hosts


def allowed_origins(edge: KubeEdge) -> list[str]:
    """Origins whose state-changing requests the server accepts (MLflow answers 403 to others).

    Browsers send `Origin` on every POST, same-origin ones included, and the UI's searches,
    creates and renames are POSTs to /ajax-api/. Exactly the origins users come from: what the
    edge adds (on GKE the ingress host over HTTPS; a browser omits the default port) and the
    localhost forms that `make port-forward` (or the local profile's LoadBalancer) opens.
    No wildcard: MLflow treats `*` as "no server-side check at all". The IAP plugin refuses any
    request whose Origin is not exactly one of these (mlflow_iap_auth/guard.py): MLflow's own
    guard admits http://localhost on any port.
    """
    port = edge.service_port
    return [*edge.allowed_origins(), *(f"http://{name}:{port}" for name in LOOPBACK_NAMES)]


class ConfigChart(Chart):
    """The pods' Kubernetes service account and their ConfigMap, and the platform's objects that
    deliver the secret files.

    Options (all required):
      workload: names and labels.
      platform: the cluster's answers (service-account annotations, pull secrets, the objects
        that deliver the secret files).
      data: the ConfigMap's entries (k8s/charts.py composes them: `config_data`).
      secret_files: the files of the pods' secrets volume.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        workload: Workload,
        platform: KubePlatform[Any],
        data: dict[str, str],
        secret_files: Sequence[SecretFile],
    ) -> None:
        w = workload
        super().__init__(scope, id, namespace=w.namespace, labels=w.labels)
        pull_secrets = platform.image_pull_secrets()
        k8s.KubeServiceAccount(
            self,
            "service-account",
            metadata=k8s.ObjectMeta(
                name=w.service_account,
                annotations=platform.service_account_annotations() or None,
            ),
            # The server never calls the Kubernetes API; WI and the CSI driver need no token.
            automount_service_account_token=False,
            image_pull_secrets=[k8s.LocalObjectReference(name=n) for n in pull_secrets] or None,
        )
        kplus.ConfigMap(self, "config", metadata={"name": w.config_map}, data=data)
        platform.add_secret_objects(self, secret_files)


def base_config(
    *,
    names: Names,
    server: ServerSettings,
    hosts: Sequence[str],
    origins: Sequence[str],
) -> dict[str, str]:
    """What the server and the migration read from the ConfigMap (envFrom), beyond the login's
    and the auth mode's entries.

    `mlflow server` reads its options from these MLFLOW_* variables (its click options' env
    vars), so the container's args stay `["server"]`.
    """
    return {
        # The image's mlflow-entrypoint assembles the backend URI from these.
        contract.DB_HOST_ENV: contract.PROXY_ADDRESS,
        contract.DB_PORT_ENV: str(contract.PROXY_PORT),
        contract.DB_NAME_ENV: names.database,
        # The passphrase of the secrets users store (AI gateway keys): a file, which the entry
        # point turns into MLflow's MLFLOW_CRYPTO_KEK_* for the server process only.
        contract.KEK_PASSPHRASE_FILE_ENV: f"{contract.SECRETS_DIR}/{contract.KEK_FILE}",
        "CLOUD_SQL_CONNECTION_NAME": names.connection_name,
        "GOOGLE_CLOUD_PROJECT": names.project_id,
        "MLFLOW_HOST": "0.0.0.0",  # noqa: S104 - the pod's interface; NetworkPolicy guards it
        contract.MLFLOW_PORT_ENV: str(server.port),
        # One worker per pod: scale with replicas (more workers add latency per request).
        "MLFLOW_WORKERS": str(server.workers),
        # Clients upload and download through the server: they need no GCS credentials.
        "MLFLOW_SERVE_ARTIFACTS": "true",
        # MLflow copies each proxied upload to GCS in pieces held in memory: smaller than the
        # library's 100 MiB, so that concurrent large uploads fit the memory limit.
        "MLFLOW_GCS_UPLOAD_CHUNK_SIZE": str(GCS_UPLOAD_CHUNK_BYTES),
        contract.MLFLOW_ARTIFACTS_DESTINATION_ENV: names.artifact_destination,
        contract.MLFLOW_SERVER_ALLOWED_HOSTS_ENV: ",".join(hosts),
        contract.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS_ENV: ",".join(origins),
        # /metrics; the multiprocess directory must be writable: it lives on the /tmp emptyDir.
        "MLFLOW_EXPOSE_PROMETHEUS": contract.PROMETHEUS_DIR,
        # No MLflow jobs (GenAI scorers, prompt optimization) here: without this every pod
        # starts a job runner and huey consumers that idle and hold memory.
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        # MLflow's own loggers and uvicorn's (access log at INFO).
        "MLFLOW_LOGGING_LEVEL": server.log_level.value,
        # --no-proxy-headers: the caller class (mlflow_iap_auth/callers.py) comes from the
        # socket's peer alone. uvicorn otherwise takes the client address from X-Forwarded-For
        # when the peer is 127.0.0.1 (--forwarded-allow-ips' default), so a port-forward caller
        # could claim any address (https://www.uvicorn.org/settings/#http). MLflow passes these
        # options to uvicorn as they are (mlflow/server/__init__.py, _build_uvicorn_command)
        # and adds no proxy headers middleware of its own.
        "MLFLOW_UVICORN_OPTS": f"--log-level {server.log_level.value.lower()} --no-proxy-headers",
    }
