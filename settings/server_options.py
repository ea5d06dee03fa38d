"""What the project itself sets on the server, and which setting owns each.

k8s/config.py writes these environment variables (tests/settings/test_workload_knobs.py checks
that every key of the ConfigMap is listed here), and `mlflow server` reads its options from
them, so `server.extra_env` and `server.extra_args` refuse them with the reason.
"""

from __future__ import annotations

from settings import contract

OWNED_ENV: dict[str, str] = {
    # The image's entry point builds the backend store URI from these (mlflow_server/).
    contract.DB_HOST_ENV: "the Auth Proxy sidecar's address",
    contract.DB_PORT_ENV: "the Auth Proxy sidecar's port",
    contract.DB_NAME_ENV: "database.database_name",
    contract.DB_USER_ENV: "database.user",
    contract.DB_PASSWORD_FILE_ENV: "the mounted Secret Manager secret",  # pragma: allowlist secret
    contract.DB_OWNER_ROLE_ENV: "derived: the role that owns MLflow's tables",
    contract.DB_IAM_USER_ENV: "derived: the workload's IAM database user",
    contract.DB_BUILTIN_USER_ENV: "derived: an earlier password deployment's login",
    contract.MLFLOW_BACKEND_STORE_URI_ENV: "built at start from DB_* and the password file",
    contract.KEK_PASSPHRASE_FILE_ENV: "the mounted Secret Manager secret (server.kek_version)",
    # MLflow reads these two; the entry point sets them from that file, never the manifests.
    contract.MLFLOW_CRYPTO_KEK_PASSPHRASE_ENV: "the mounted passphrase file (server.kek_version)",
    contract.MLFLOW_CRYPTO_KEK_VERSION_ENV: "the mounted passphrase file (server.kek_version)",
    "CLOUD_SQL_CONNECTION_NAME": "derived from project_id, region and the instance name",
    "GOOGLE_CLOUD_PROJECT": "project_id",
    "GOOGLE_APPLICATION_CREDENTIALS": "the platform's credentials (Workload Identity, "
    "federation or the local key)",
    "MLFLOW_HOST": "the pod's interface",
    contract.MLFLOW_PORT_ENV: "server.port",
    contract.POD_IP_ENV: "the downward API (status.podIP): an allowed Host header",
    "MLFLOW_WORKERS": "server.workers",
    "MLFLOW_SERVE_ARTIFACTS": "the artifact proxy (clients need no GCS credentials)",
    contract.MLFLOW_ARTIFACTS_DESTINATION_ENV: "the bucket and bucket.artifact_prefix",
    "MLFLOW_DEFAULT_ARTIFACT_ROOT": "proxied artifacts (mlflow-artifacts:/)",
    "MLFLOW_GCS_UPLOAD_CHUNK_SIZE": "the memory one proxied upload takes (settings/transfers.py)",
    contract.MLFLOW_SERVER_ALLOWED_HOSTS_ENV: "the Service names, ingress.host, the port-forward "
    "forms and the pod's address",
    contract.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS_ENV: "https://<ingress.host> and the port-forward "
    "forms",
    "MLFLOW_EXPOSE_PROMETHEUS": "/metrics for Managed Prometheus",
    "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "off: no job runner in the tracking server",
    "MLFLOW_LOGGING_LEVEL": "server.log_level",
    "MLFLOW_UVICORN_OPTS": "server.log_level; --no-proxy-headers (the caller is the socket's peer)",
    "MLFLOW_GUNICORN_OPTS": "uvicorn serves (the security middleware needs it)",
    # The auth section (k8s/auth.py, mlflow_server/iap_auth): who is who inside MLflow.
    contract.SERVER_APP_NAME_ENV: "the auth section (IAP identity and MLflow permissions)",
    contract.AUTH_DB_NAME_ENV: "derived: the auth database of the instance",
    contract.IAP_AUTH_DATABASE_URI_ENV: "built at start from DB_*, AUTH_DB_NAME and the password "
    "file",
    contract.IAP_PROJECT_NUMBER_ENV: "auth.project_number or project_number",
    contract.IAP_BACKEND_SERVICE_ID_ENV: "auth.backend_service_id",
    contract.IAP_PROJECT_ID_ENV: "the cluster's project (where the Ingress's backend service is)",
    contract.IAP_SERVICE_ENV: "derived: the Service the Ingress routes to",
    contract.IAP_SERVICE_PORT_ENV: "derived: the Service port the Ingress names",
    contract.IAP_COMPUTE_URL_ENV: "the Compute Engine API: the pod's token goes there",
    contract.IAP_ADMINS_ENV: "auth.admins",
    contract.IAP_DEFAULT_PERMISSION_ENV: "auth.default_permission",
    contract.IAP_PORT_FORWARD_USER_ENV: "auth.port_forward_user",
    contract.IAP_PORT_FORWARD_PERMISSION_ENV: "auth.port_forward_permission",
    contract.IAP_IN_CLUSTER_USER_ENV: "auth.in_cluster_user",
    contract.IAP_IN_CLUSTER_CIDRS_ENV: "the cluster's pod range",
    contract.IAP_UNVERIFIED_PATHS_ENV: "the load balancer's health check path",
    contract.IAP_KEYS_URL_ENV: "Google's IAP key set: a team's value would choose whose "
    "signatures count",
    "MLFLOW_AUTH_CONFIG_PATH": "the auth section's own auth.ini",
    contract.LIMITS_BODY_MAX_BYTES_ENV: "MLflow's own field limits (settings/limits.py)",
    contract.LIMITS_BODY_BUDGET_BYTES_ENV: "resources.server's memory (settings/limits.py)",
    contract.LIMITS_TRANSFER_MAX_BYTES_ENV: "artifact_transfers.largest",
    contract.LIMITS_TRANSFER_BUDGET_BYTES_ENV: "artifact_transfers.largest and .concurrent",
    # pragma: allowlist nextline secret
    "MLFLOW_FLASK_SERVER_SECRET_KEY": "generated per process by the auth app",
}

# `mlflow server` options -> why the project owns them. The env-var ones are the same settings.
OWNED_OPTIONS: dict[str, str] = {
    "--host": OWNED_ENV["MLFLOW_HOST"],
    "-h": OWNED_ENV["MLFLOW_HOST"],
    "--port": OWNED_ENV[contract.MLFLOW_PORT_ENV],
    "-p": OWNED_ENV[contract.MLFLOW_PORT_ENV],
    "--workers": OWNED_ENV["MLFLOW_WORKERS"],
    "-w": OWNED_ENV["MLFLOW_WORKERS"],
    "--backend-store-uri": OWNED_ENV[contract.MLFLOW_BACKEND_STORE_URI_ENV],
    "--registry-store-uri": "the backend store (one database)",
    "--default-artifact-root": OWNED_ENV["MLFLOW_DEFAULT_ARTIFACT_ROOT"],
    "--artifacts-destination": OWNED_ENV[contract.MLFLOW_ARTIFACTS_DESTINATION_ENV],
    "--serve-artifacts": OWNED_ENV["MLFLOW_SERVE_ARTIFACTS"],
    "--no-serve-artifacts": OWNED_ENV["MLFLOW_SERVE_ARTIFACTS"],
    "--artifacts-only": "one server for tracking and artifacts",
    "--allowed-hosts": OWNED_ENV[contract.MLFLOW_SERVER_ALLOWED_HOSTS_ENV],
    "--cors-allowed-origins": OWNED_ENV[contract.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS_ENV],
    "--disable-security-middleware": "the Host and Origin checks stay on",
    "--expose-prometheus": OWNED_ENV["MLFLOW_EXPOSE_PROMETHEUS"],
    "--gunicorn-opts": OWNED_ENV["MLFLOW_GUNICORN_OPTS"],
    "--waitress-opts": OWNED_ENV["MLFLOW_GUNICORN_OPTS"],
    "--uvicorn-opts": OWNED_ENV["MLFLOW_UVICORN_OPTS"],
    "--dev": "a production server",
    "--static-prefix": "MLflow is served at the root of ingress.host; the probes and the load "
    "balancer's health check ask for /health",
    "--app-name": OWNED_ENV[contract.SERVER_APP_NAME_ENV],
}


def owned_option_reason(option: str) -> str | None:
    return OWNED_OPTIONS.get(option)
