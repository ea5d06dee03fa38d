"""Who is who inside MLflow: the server's auth mode, chosen once from `settings.auth`.

Each mode answers one question, the ConfigMap entries the server and `db-migrate` read; the
charts never ask which mode they are in.

* IapIdentities: `mlflow server --app-name iap-auth` (mlflow_server/iap_auth): IAP's signed
  header verified against Google's key set, the verified user is the MLflow user, MLflow's
  permissions on; MLflow's users live in their own database of the same instance, which
  db-migrate creates and migrates.
* Anonymous: plain `mlflow server`; IAP admits or refuses at the load balancer, and MLflow
  sees one anonymous user.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from settings import Settings
from settings.auth import AuthSettings

APP_NAME = "iap-auth"  # the mlflow.app entry point of mlflow_server/iap_auth
# The path Google's health checkers probe (the BackendConfig's healthCheck.requestPath); they
# send no IAP assertion, so the server lets exactly this path through unverified.
HEALTH_PATH = "/health"


class AuthMode(Protocol):
    def config(self) -> dict[str, str]:
        """ConfigMap entries for this mode."""
        ...


@dataclass(frozen=True)
class Anonymous:
    def config(self) -> dict[str, str]:
        return {}


@dataclass(frozen=True)
class IapIdentities:
    auth: AuthSettings
    auth_database: str
    project_number: str
    pods_cidr: str

    def config(self) -> dict[str, str]:
        data = {
            "SERVER_APP_NAME": APP_NAME,
            "AUTH_DB_NAME": self.auth_database,
            # IAP's audience, /projects/NUMBER/global/backendServices/ID, in its two parts.
            "IAP_PROJECT_NUMBER": str(self.project_number),
            "IAP_ADMINS": ",".join(self.auth.admins),
            "IAP_DEFAULT_PERMISSION": self.auth.default_permission.value,
            "IAP_PORT_FORWARD_USER": self.auth.port_forward_user,
            # Pods of server.allowed_namespaces and Managed Prometheus (NetworkPolicy admits
            # no other pods).
            "IAP_IN_CLUSTER_CIDRS": self.pods_cidr,
            "IAP_UNVERIFIED_PATHS": HEALTH_PATH,
        }
        if self.auth.backend_service_id is not None:
            data["IAP_BACKEND_SERVICE_ID"] = self.auth.backend_service_id
        if self.auth.in_cluster_user is not None:
            data["IAP_IN_CLUSTER_USER"] = self.auth.in_cluster_user
        return data


def auth_mode(settings: Settings) -> AuthMode:
    if not settings.auth.enabled:
        return Anonymous()
    number = settings.iap_project_number
    if number is None:  # Settings._coherent refuses this; kept for the type checker
        raise ValueError("auth.enabled needs the cluster project's number")
    return IapIdentities(
        auth=settings.auth,
        auth_database=settings.names.auth_database,
        project_number=number,
        pods_cidr=settings.pods_cidr,
    )
