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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from k8s.meta import HTTP_PORT_NAME
from settings import ExternalCluster, Settings
from settings.auth import AuthSettings
from settings.contract import (
    AUTH_DB_NAME_ENV,
    HEALTH_PATH,
    IAP_ADMINS_ENV,
    IAP_APP_NAME,
    IAP_BACKEND_SERVICE_ID_ENV,
    IAP_DEFAULT_PERMISSION_ENV,
    IAP_IN_CLUSTER_CIDRS_ENV,
    IAP_IN_CLUSTER_USER_ENV,
    IAP_PORT_FORWARD_PERMISSION_ENV,
    IAP_PORT_FORWARD_USER_ENV,
    IAP_PROJECT_ID_ENV,
    IAP_PROJECT_NUMBER_ENV,
    IAP_SERVICE_ENV,
    IAP_SERVICE_PORT_ENV,
    IAP_UNVERIFIED_PATHS_ENV,
    LIMITS_BODY_BUDGET_BYTES_ENV,
    LIMITS_BODY_MAX_BYTES_ENV,
    LIMITS_TRANSFER_BUDGET_BYTES_ENV,
    LIMITS_TRANSFER_MAX_BYTES_ENV,
    SERVER_APP_NAME_ENV,
)
from settings.limits import RequestLimits, request_limits


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
    limits: RequestLimits
    project_id: str  # the cluster's: the Ingress's load balancer is built there
    service: str  # NAMESPACE/NAME of the Service the Ingress routes to
    # What else the lookup needs to find the edge's backend service (KubeEdge.iap_lookup).
    edge_lookup: Mapping[str, str] = field(default_factory=dict)

    def config(self) -> dict[str, str]:
        data = {
            SERVER_APP_NAME_ENV: IAP_APP_NAME,
            AUTH_DB_NAME_ENV: self.auth_database,
            # IAP's audience, /projects/NUMBER/global/backendServices/ID, in its two parts.
            IAP_PROJECT_NUMBER_ENV: str(self.project_number),
            IAP_ADMINS_ENV: ",".join(self.auth.admins),
            IAP_DEFAULT_PERMISSION_ENV: self.auth.default_permission.value,
            IAP_PORT_FORWARD_USER_ENV: self.auth.port_forward_user,
            # The most the port-forward user may do, whatever MLflow's grants say
            # (mlflow_iap_auth/privilege.py): break-glass access reads by default.
            IAP_PORT_FORWARD_PERMISSION_ENV: self.auth.port_forward_permission.value,
            # Pods of server.allowed_namespaces and Managed Prometheus (NetworkPolicy admits
            # no other pods): without an IAP assertion they may read /metrics only.
            IAP_IN_CLUSTER_CIDRS_ENV: self.pods_cidr,
            # Google's health checkers (the BackendConfig's healthCheck.requestPath) send no
            # IAP assertion: the server lets exactly this path through unverified.
            IAP_UNVERIFIED_PATHS_ENV: HEALTH_PATH,
            # Bounded work per request (settings/limits.py: from the container's memory and the
            # /tmp that server.artifact_transfers sized), per server process.
            LIMITS_BODY_MAX_BYTES_ENV: str(self.limits.body_max_bytes),
            LIMITS_BODY_BUDGET_BYTES_ENV: str(self.limits.body_budget_bytes),
            LIMITS_TRANSFER_MAX_BYTES_ENV: str(self.limits.transfer_max_bytes),
            LIMITS_TRANSFER_BUDGET_BYTES_ENV: str(self.limits.transfer_budget_bytes),
        }
        if self.auth.backend_service_id is not None:
            data[IAP_BACKEND_SERVICE_ID_ENV] = self.auth.backend_service_id
        else:
            # The server looks the id up with its own identity: the backend service the
            # Ingress controller made for this Service and port (mlflow_iap_auth.
            # backend_services), with compute.backendServices.list (infra/edge.py).
            data[IAP_PROJECT_ID_ENV] = self.project_id
            data[IAP_SERVICE_ENV] = self.service
            # The Ingress names the port by name (k8s/edges/ingress_chart.py).
            data[IAP_SERVICE_PORT_ENV] = HTTP_PORT_NAME
            data.update(self.edge_lookup)
        if self.auth.in_cluster_user is not None:
            data[IAP_IN_CLUSTER_USER_ENV] = self.auth.in_cluster_user
        return data


def auth_mode(settings: Settings, edge_lookup: Mapping[str, str] | None = None) -> AuthMode:
    if not settings.auth.enabled:
        return Anonymous()
    target, number = settings.target, settings.iap_project_number
    # The settings model refuses both (Settings._check_auth); here they are real refusals too.
    if isinstance(target, ExternalCluster):
        raise ValueError("auth.enabled needs a GKE platform: IAP signs the identities")
    if number is None:
        raise ValueError("auth.enabled needs the cluster project's number")
    return IapIdentities(
        auth=settings.auth,
        auth_database=settings.names.auth_database,
        project_number=number,
        pods_cidr=target.pods_cidr,
        limits=request_limits(settings.server),
        project_id=target.project,
        service=f"{settings.names.namespace}/{settings.names.service}",
        edge_lookup=dict(edge_lookup or {}),
    )
