"""Chart `10-config`: the server's identity (ServiceAccount) and non-secret settings (ConfigMap)."""

from __future__ import annotations

import cdk8s_plus_25 as kplus
from cdk8s import App, Chart
from cdk8s_plus_25 import k8s

from k8s.auth import auth_mode
from k8s.meta import (
    DB_PASSWORD_DIR,
    DB_PASSWORD_KEY,
    KEK_KEY,
    PROMETHEUS_DIR,
    PROXY_ADDRESS,
    PROXY_PORT,
)
from k8s.platforms import platform_for
from settings import Settings
from settings.transfers import GCS_UPLOAD_CHUNK_BYTES


def allowed_hosts(settings: Settings) -> list[str]:
    """Host headers the server accepts (MLflow's DNS-rebinding guard answers 403 to others).

    Setting the list replaces MLflow's default (localhost + private IPs), so it names every way
    a client reaches the server: the Service's DNS names with and without the port, what the
    platform adds (on GKE the ingress host and the pod range, which Managed Prometheus scrapes
    /metrics by) and localhost (kubectl port-forward). /health and /version are exempt.
    """
    platform = platform_for(settings)
    w, port = platform.workload, platform.service_port
    hosts: list[str] = []
    for name in (
        w.name,
        f"{w.name}.{w.namespace}",
        f"{w.name}.{w.namespace}.svc",
        f"{w.name}.{w.namespace}.svc.cluster.local",
    ):
        hosts += [name, f"{name}:{port}"]
    hosts += platform.allowed_hosts()
    hosts += ["localhost", "localhost:*", "127.0.0.1", "127.0.0.1:*"]
    return hosts


def allowed_origins(settings: Settings) -> list[str]:
    """Origins whose state-changing requests the server accepts (MLflow answers 403 to others).

    Browsers send `Origin` on every POST, same-origin ones included, and the UI's searches,
    creates and renames are POSTs to /ajax-api/. Exactly the origins users come from: what the
    platform adds (on GKE the ingress host over HTTPS; a browser omits the default port) and
    the localhost forms that `make port-forward` (or the local profile's LoadBalancer) opens.
    No wildcard: MLflow treats `*` as "no server-side check at all".
    """
    platform = platform_for(settings)
    port = platform.service_port
    return [*platform.allowed_origins(), f"http://localhost:{port}", f"http://127.0.0.1:{port}"]


def config_data(settings: Settings) -> dict[str, str]:
    """Everything the server and the migration read from the ConfigMap (envFrom).

    `mlflow server` reads its options from these MLFLOW_* variables (its click options' env
    vars), so the container's args stay `["server"]`. Extend here: one dict, one place.
    """
    names = settings.names
    data = {
        # The image's mlflow-entrypoint assembles the backend URI from these.
        "DB_HOST": PROXY_ADDRESS,
        "DB_PORT": str(PROXY_PORT),
        "DB_NAME": names.database,
        "DB_USER": names.db_user,
        "DB_PASSWORD_FILE": f"{DB_PASSWORD_DIR}/{DB_PASSWORD_KEY}",
        # The passphrase of the secrets users store (AI gateway keys): a file, which the entry
        # point turns into MLflow's MLFLOW_CRYPTO_KEK_* for the server process only.
        "KEK_PASSPHRASE_FILE": f"{DB_PASSWORD_DIR}/{KEK_KEY}",
        "CLOUD_SQL_CONNECTION_NAME": names.connection_name,
        "GOOGLE_CLOUD_PROJECT": names.project_id,
        "MLFLOW_HOST": "0.0.0.0",  # noqa: S104 - the pod's interface; NetworkPolicy guards it
        "MLFLOW_PORT": str(settings.server.port),
        # One worker per pod: scale with replicas (more workers add latency per request).
        "MLFLOW_WORKERS": str(settings.server.workers),
        # Clients upload and download through the server: they need no GCS credentials.
        "MLFLOW_SERVE_ARTIFACTS": "true",
        # MLflow copies each proxied upload to GCS in pieces held in memory: smaller than the
        # library's 100 MiB, so that concurrent large uploads fit the memory limit.
        "MLFLOW_GCS_UPLOAD_CHUNK_SIZE": str(GCS_UPLOAD_CHUNK_BYTES),
        "MLFLOW_ARTIFACTS_DESTINATION": names.artifact_destination,
        "MLFLOW_SERVER_ALLOWED_HOSTS": ",".join(allowed_hosts(settings)),
        "MLFLOW_SERVER_CORS_ALLOWED_ORIGINS": ",".join(allowed_origins(settings)),
        # /metrics; the multiprocess directory must be writable: it lives on the /tmp emptyDir.
        "MLFLOW_EXPOSE_PROMETHEUS": PROMETHEUS_DIR,
        # No MLflow jobs (GenAI scorers, prompt optimization) here: without this every pod
        # starts a job runner and huey consumers that idle and hold memory.
        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false",
        # MLflow's own loggers and uvicorn's (access log at INFO).
        "MLFLOW_LOGGING_LEVEL": settings.server.log_level.value,
        "MLFLOW_UVICORN_OPTS": f"--log-level {settings.server.log_level.value.lower()}",
        # Who is who inside MLflow (k8s/auth.py): nothing when IAP's admission is all there is.
        **auth_mode(settings).config(),
    }
    # The team's own variables; the settings model refuses the names above (server_options).
    data.update(settings.server.extra_env)
    return dict(sorted(data.items()))


def build_config_chart(app: App, settings: Settings) -> Chart:
    platform = platform_for(settings)
    w = platform.workload
    chart = Chart(app, "10-config", namespace=w.namespace, labels=w.labels)
    pull_secrets = platform.image_pull_secrets()
    k8s.KubeServiceAccount(
        chart,
        "service-account",
        metadata=k8s.ObjectMeta(
            name=w.service_account, annotations=platform.service_account_annotations() or None
        ),
        # The server never calls the Kubernetes API; WI and the CSI driver need no token.
        automount_service_account_token=False,
        image_pull_secrets=[k8s.LocalObjectReference(name=n) for n in pull_secrets] or None,
    )
    kplus.ConfigMap(chart, "config", metadata={"name": w.config_map}, data=config_data(settings))
    platform.add_secret_objects(chart)
    return chart
