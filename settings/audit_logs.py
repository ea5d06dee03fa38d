"""The `audit_logs:` section: Data Access audit logs for what holds MLflow's data.

Admin Activity audit logs are always on and free; Data Access logs are off by default for every
service but BigQuery, and are billed as Cloud Logging ingestion
(https://cloud.google.com/logging/docs/audit#data-access,
https://cloud.google.com/logging/docs/audit/configure-data-access). On, the stack sets them
for Secret Manager (every read of the database password and the KEK passphrase: the Secret
Manager add-on reads them at each pod start and at each rotation check), Cloud SQL (the Auth
Proxy's connection and certificate calls) and Cloud Storage (every artifact read and write).
"""

from __future__ import annotations

from pydantic import Field

from settings.types import Section

# The services whose Data Access logs the section turns on, as audit configs name them.
AUDITED_SERVICES = (
    "secretmanager.googleapis.com",
    "cloudsql.googleapis.com",
    "storage.googleapis.com",
)


class AuditLogSettings(Section):
    """Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) in project_id."""

    data_access: bool = Field(
        False,
        description="Turn on Data Access audit logs for Secret Manager, Cloud SQL and Cloud "
        "Storage in project_id. Billed as Cloud Logging ingestion beyond the free allotment: "
        "Cloud Storage's entries grow with every artifact read and write (docs/enterprise.md). "
        "The project's audit config for these three services is then Terraform's: one set "
        "elsewhere (exempted members) is replaced.",
    )
