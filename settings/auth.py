"""The `auth:` section: IAP signed-header verification and MLflow's own permissions, one switch.

On (whenever a config has an `auth:` section, unless `enabled: false`), the server verifies
IAP's `x-goog-iap-jwt-assertion` on every request that does not come from port-forward or the
cluster, makes the verified identity the MLflow user, and enforces MLflow's READ / EDIT /
MANAGE permissions (its auth app, with this project's authorization function: no password
anywhere). Off, the server is anonymous behind IAP, as before. See
docs/access.md#who-is-who-inside-mlflow.
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# https://cloud.google.com/resource-manager/docs/creating-managing-projects: a project number
# is a decimal number Google assigns; backend service ids are decimal too (compute API `id`).
_PROJECT_NUMBER = re.compile(r"[1-9][0-9]{5,19}")
_SERVICE_ID = re.compile(r"[1-9][0-9]{0,19}")
# An MLflow user name here is what IAP's assertion names: an email, or the subject of a
# workforce identity federation principal (Active Directory / Entra ID users).
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_WORKFORCE = re.compile(
    r"principal://iam\.googleapis\.com/locations/global/workforcePools/[a-z][a-z0-9-]{2,62}"
    r"/subject/\S{1,127}"
)
_LOCAL_NAME = re.compile(r"[a-z][a-z0-9-]{1,62}")


class Permission(StrEnum):
    """MLflow's permissions (mlflow.server.auth.permissions)."""

    READ = "READ"
    EDIT = "EDIT"
    MANAGE = "MANAGE"
    NO_PERMISSIONS = "NO_PERMISSIONS"


# What auth.port_forward_permission may be: NO_PERMISSIONS would leave a port-forward that
# can do nothing (refuse it in the cluster's RBAC instead).
PORT_FORWARD_PERMISSIONS = (Permission.READ.value, Permission.EDIT.value, Permission.MANAGE.value)


def _principal(value: str) -> str:
    if not (_EMAIL.fullmatch(value) or _WORKFORCE.fullmatch(value)):
        raise ValueError(
            f"{value!r} must be an email (alice@example.com) or a workforce identity "
            "federation principal (principal://iam.googleapis.com/locations/global/"
            "workforcePools/POOL/subject/SUBJECT), as IAP's signed header names users"
        )
    return value.lower() if "@" in value and not value.startswith("principal://") else value


class AuthSettings(BaseModel):
    """IAP identities inside MLflow (platform gke)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(
        True,
        description="Verify IAP's signed header and enforce MLflow permissions per user. "
        "false: every request that reaches the server is the same anonymous user.",
    )
    project_number: str | None = Field(
        None,
        description="The number of the cluster's project (gcloud projects describe PROJECT "
        "--format='value(projectNumber)'): the first part of IAP's audience. Unset: the "
        "top-level project_number, when the cluster is in project_id.",
    )
    backend_service_id: str | None = Field(
        None,
        description="The backend service's numeric id, which exists only after the Ingress "
        "(gcloud compute backend-services describe NAME --global --format='value(id)'). "
        "Unset: the server looks it up with its own identity (the backend service the Ingress "
        "made for its Service, with IAP on, exactly one) and answers assertions 503 until "
        "then; set: exactly this one, no lookup. Never any backend service of the project.",
    )
    admins: tuple[str, ...] = Field(
        (),
        description="MLflow administrators (emails or workforce principals), authoritative: "
        "listed users are made admins, others lose the flag. At least one when enabled.",
    )
    default_permission: Permission = Field(
        Permission.READ,
        description="What a user may do on experiments and models nobody granted them.",
    )
    port_forward_user: str = Field(
        "kubectl-port-forward",
        description="The MLflow user of requests without IAP's header from the pod's own "
        "loopback (kubectl port-forward): a break-glass identity shared by everyone the "
        "cluster's RBAC lets port-forward (pods/portforward); each request is logged with its "
        "peer. People use the ingress with their own identity.",
    )
    port_forward_permission: Permission = Field(
        Permission.READ,
        description="The most the port-forward user may do, whatever MLflow's grants and "
        "default_permission say: READ (default), EDIT (also create experiments and models, "
        "log runs) or MANAGE.",
    )
    in_cluster_user: str | None = Field(
        "in-cluster",
        description="The MLflow user that requests without IAP's header from the pod range "
        "(Managed Prometheus, server.allowed_namespaces) read GET /metrics as; they may "
        "reach nothing else (403): in-cluster clients call the ingress with their own "
        "identity (examples/iap_client). null: refuse them /metrics too.",
    )

    @field_validator("project_number")
    @classmethod
    def _project_number(cls, value: str | None) -> str | None:
        if value is not None and not _PROJECT_NUMBER.fullmatch(value):
            raise ValueError(f"{value!r} must be the project's number: 6 to 20 digits")
        return value

    @field_validator("backend_service_id")
    @classmethod
    def _service_id(cls, value: str | None) -> str | None:
        if value is not None and not _SERVICE_ID.fullmatch(value):
            raise ValueError(f"{value!r} must be the backend service's numeric id (digits)")
        return value

    @field_validator("admins")
    @classmethod
    def _admins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_principal(v) for v in value)

    @field_validator("port_forward_permission", mode="before")
    @classmethod
    def _cap(cls, value: object) -> object:
        if value not in PORT_FORWARD_PERMISSIONS:
            raise ValueError(
                f"{value!r} must be one of {', '.join(PORT_FORWARD_PERMISSIONS)} (a cap on "
                "break-glass access; to refuse port-forward, deny pods/portforward in RBAC)"
            )
        return value

    @field_validator("port_forward_user", "in_cluster_user")
    @classmethod
    def _local_name(cls, value: str | None) -> str | None:
        if value is not None and not _LOCAL_NAME.fullmatch(value):
            raise ValueError(
                f"{value!r} must match {_LOCAL_NAME.pattern} (lowercase, digits, hyphens: it "
                "can then never be an IAP identity, which has an @ or principal://)"
            )
        return value

    @model_validator(mode="after")
    def _complete(self) -> AuthSettings:
        if not self.enabled:
            return self
        if not self.admins:
            raise ValueError("admins: at least one principal when enabled (MLflow needs an admin)")
        if self.port_forward_user == self.in_cluster_user:
            raise ValueError("port_forward_user and in_cluster_user must differ")
        return self
