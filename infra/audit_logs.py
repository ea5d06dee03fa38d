"""Data Access audit logs for the services that hold MLflow's data (audit_logs.data_access).

One `google_project_iam_audit_config` per service, authoritative for that service in the
project (https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/google_project_iam#google_project_iam_audit_config):
ADMIN_READ, DATA_READ and DATA_WRITE, as "Configure Data Access audit logs" names them
(https://cloud.google.com/logging/docs/audit/configure-data-access). They are billed as Cloud
Logging ingestion (docs/enterprise.md, Audit logs and Cloud Armor).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.project_iam_audit_config import (
    ProjectIamAuditConfig,
    ProjectIamAuditConfigAuditLogConfig,
)
from constructs import Construct

LOG_TYPES = ("ADMIN_READ", "DATA_READ", "DATA_WRITE")


class DataAccessAuditLogs(Construct):
    """Data Access audit logs for `services` in `project`.

    Options:
      project: the project. Required.
      services: `*.googleapis.com` names. Required.
      depends_on: what to create first (the Resource Manager API). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        project: str,
        services: Sequence[str],
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        self.configs = [
            ProjectIamAuditConfig(
                self,
                service.removesuffix(".googleapis.com"),
                project=project,
                service=service,
                audit_log_config=[
                    ProjectIamAuditConfigAuditLogConfig(log_type=t) for t in LOG_TYPES
                ],
                depends_on=list(depends_on) or None,
            )
            for service in services
        ]
