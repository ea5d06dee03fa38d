"""Cloud SQL for PostgreSQL: the MLflow backend store, and the login MLflow uses.

How MLflow logs in is the `credentials` object's (infra/database_auth/: a generated password
today), bound to the instance here; the grants on the instance are methods of the construct.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.project_iam_member import (
    ProjectIamMember,
    ProjectIamMemberCondition,
)
from cdktf_cdktf_provider_google.sql_database import SqlDatabase
from cdktf_cdktf_provider_google.sql_database_instance import (
    SqlDatabaseInstance,
    SqlDatabaseInstanceSettings,
    SqlDatabaseInstanceSettingsBackupConfiguration,
    SqlDatabaseInstanceSettingsBackupConfigurationBackupRetentionSettings,
    SqlDatabaseInstanceSettingsDatabaseFlags,
    SqlDatabaseInstanceSettingsDataCacheConfig,
    SqlDatabaseInstanceSettingsInsightsConfig,
    SqlDatabaseInstanceSettingsIpConfiguration,
    SqlDatabaseInstanceSettingsIpConfigurationPscConfig,
    SqlDatabaseInstanceSettingsMaintenanceWindow,
)
from cdktf_cdktf_provider_google.sql_user import SqlUser
from constructs import Construct

from infra.database_auth import DatabaseCredentials

# Server flags. IAM database authentication, plus the logging a security review (CIS Google
# Cloud benchmark section 6.2, checkov CKV_GCP_51..57, 108, 111) expects: connections and
# their hosts, lock waits, checkpoints, temp files, errors with their statements and DDL
# statements; no per-statement stats (log_*_stats stay at their default, off). Not
# log_duration: it logs a line for every statement, and MLflow's metric logging is thousands of
# small statements (Cloud Logging ingest). log_min_duration_statement (the `slow_statement_ms`
# option) is -1 by default, CIS 6.2's value: a slow statement's line carries its text and
# parameters; Query Insights (below) shows slow queries without them. Changing a flag is an
# update in place (https://cloud.google.com/sql/docs/postgres/flags).
DATABASE_FLAGS: tuple[tuple[str, str], ...] = (
    ("cloudsql.iam_authentication", "on"),
    ("log_checkpoints", "on"),
    ("log_connections", "on"),
    ("log_disconnections", "on"),
    ("log_hostname", "on"),
    ("log_lock_waits", "on"),
    ("log_min_messages", "warning"),
    ("log_min_error_statement", "error"),
    ("log_temp_files", "0"),
    ("log_statement", "ddl"),
)


class Database(Construct):
    """A PostgreSQL instance with one database and MLflow's login to it.

    Options:
      project_id, region, instance_name: where and what. Required.
      database_version: e.g. "POSTGRES_17". Required.
      tier: machine tier. Required. edition: "ENTERPRISE" or "ENTERPRISE_PLUS". Default:
        "ENTERPRISE".
      disk_size_gb: initial disk size. Default: 10. disk_autoresize_limit_gb: growth cap, 0 for
        none. Default: 100. disk_type: "PD_SSD", or "HYPERDISK_BALANCED" (the N4 and C4A
        series). Default: "PD_SSD".
      data_cache: Enterprise Plus's data cache. Default: False.
      slow_statement_ms: log_min_duration_statement (-1: off). Default: -1.
      availability: "ZONAL" or "REGIONAL" (HA standby). Default: "ZONAL".
      private_network: VPC id for a private IP (private services access). Default: None.
      allocated_ip_range: name of the private services range to draw from. Default: None.
      psc_consumer_projects: enable Private Service Connect, allowing endpoints in these
        projects; empty: no PSC. Default: none.
      public_ip: give the instance a public IP, with no authorized networks (only connectors
        and the Auth Proxy, which authenticate with IAM, get in). Default: False.
      require_connectors: refuse direct connections, even on the private IP; only the Auth
        Proxy / language connectors (IAM-authorized, mTLS) connect. Default: True.
      backup_start_time ("HH:MM" UTC), retained_backups, transaction_log_retention_days:
        daily backups and point-in-time recovery. Defaults: "03:00", 14, 7.
      maintenance_day (1=Mon..7=Sun), maintenance_hour (UTC): Defaults: 7, 4.
      credentials: how MLflow logs in (infra/database_auth/); bound once the instance and the
        database exist. Required.
      database_name: Default: "mlflow".
      deletion_protection: refuse to delete the instance. Default: True.
      encryption_key: a Cloud KMS key (CMEK) in the instance's region for its disks and
        backups; fixed at creation (ForceNew). Default: None (Google's encryption).
      labels: GCP labels on the instance (user_labels). Default: none.
      depends_on: resources to create first (APIs, the private services connection).
      iam_depends_on: what the project-level IAM grants wait for (the Cloud Resource Manager
        API, whose project policy they edit). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        project_id: str,
        region: str,
        instance_name: str,
        database_version: str,
        tier: str,
        credentials: DatabaseCredentials,
        edition: str = "ENTERPRISE",
        disk_size_gb: int = 10,
        disk_autoresize_limit_gb: int = 100,
        disk_type: str = "PD_SSD",
        data_cache: bool = False,
        slow_statement_ms: int = -1,
        availability: str = "ZONAL",
        private_network: str | None = None,
        allocated_ip_range: str | None = None,
        psc_consumer_projects: Sequence[str] = (),
        public_ip: bool = False,
        require_connectors: bool = True,
        backup_start_time: str = "03:00",
        retained_backups: int = 14,
        transaction_log_retention_days: int = 7,
        maintenance_day: int = 7,
        maintenance_hour: int = 4,
        database_name: str = "mlflow",
        deletion_protection: bool = True,
        encryption_key: str | None = None,
        labels: Mapping[str, str] | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
        iam_depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        self.depends_on = list(depends_on)
        self._iam_depends_on = list(iam_depends_on)
        if not database_version.startswith("POSTGRES_"):
            raise ValueError(f"database_version {database_version!r} must be POSTGRES_<major>")
        if private_network is None and not public_ip and not psc_consumer_projects:
            raise ValueError(
                "the instance needs private_network (private IP), psc_consumer_projects "
                "(Private Service Connect) or public_ip=True, otherwise nothing can reach it"
            )
        self.project_id = project_id
        self.instance_name = instance_name
        self.instance = SqlDatabaseInstance(
            self,
            "instance",
            name=instance_name,
            region=region,
            database_version=database_version,
            deletion_protection=deletion_protection,
            # https://cloud.google.com/sql/docs/postgres/cmek: set at creation only.
            encryption_key_name=encryption_key,
            settings=SqlDatabaseInstanceSettings(
                tier=tier,
                edition=edition,
                availability_type=availability,
                disk_type=disk_type,
                disk_size=disk_size_gb,
                disk_autoresize=True,
                disk_autoresize_limit=disk_autoresize_limit_gb,
                deletion_protection_enabled=deletion_protection,  # the API-side guard too
                retain_backups_on_delete=True,
                connector_enforcement="REQUIRED" if require_connectors else "NOT_REQUIRED",
                ip_configuration=SqlDatabaseInstanceSettingsIpConfiguration(
                    ipv4_enabled=public_ip,
                    private_network=private_network,
                    allocated_ip_range=allocated_ip_range,
                    # https://cloud.google.com/sql/docs/postgres/configure-private-service-connect
                    psc_config=[
                        SqlDatabaseInstanceSettingsIpConfigurationPscConfig(
                            psc_enabled=True,
                            allowed_consumer_projects=list(psc_consumer_projects),
                        )
                    ]
                    if psc_consumer_projects
                    else None,
                    ssl_mode="ENCRYPTED_ONLY",
                    # No authorized_networks: a public IP admits connector traffic only.
                ),
                backup_configuration=SqlDatabaseInstanceSettingsBackupConfiguration(
                    enabled=True,
                    start_time=backup_start_time,
                    point_in_time_recovery_enabled=True,
                    transaction_log_retention_days=transaction_log_retention_days,
                    backup_retention_settings=(
                        SqlDatabaseInstanceSettingsBackupConfigurationBackupRetentionSettings(
                            retained_backups=retained_backups, retention_unit="COUNT"
                        )
                    ),
                ),
                maintenance_window=SqlDatabaseInstanceSettingsMaintenanceWindow(
                    day=maintenance_day, hour=maintenance_hour, update_track="stable"
                ),
                insights_config=SqlDatabaseInstanceSettingsInsightsConfig(
                    query_insights_enabled=True,
                    query_string_length=1024,
                    record_application_tags=True,
                    record_client_address=True,
                ),
                database_flags=[
                    SqlDatabaseInstanceSettingsDatabaseFlags(name=name, value=value)
                    for name, value in (
                        *DATABASE_FLAGS,
                        ("log_min_duration_statement", str(slow_statement_ms)),
                    )
                ],
                data_cache_config=SqlDatabaseInstanceSettingsDataCacheConfig(
                    data_cache_enabled=True
                )
                if data_cache
                else None,
                user_labels=dict(labels or {}) or None,
            ),
            depends_on=list(depends_on) or None,
        )
        self.database = SqlDatabase(
            self, "database", name=database_name, instance=self.instance.name
        )
        credentials.bind(self)
        self.credentials = credentials

        self.connection_name = self.instance.connection_name
        self.private_ip_address = self.instance.private_ip_address
        self.public_ip_address = self.instance.public_ip_address
        # Private Service Connect: what an endpoint targets, and the name clients resolve.
        self.psc_service_attachment_link = self.instance.psc_service_attachment_link
        self.dns_name = self.instance.dns_name

    def _instance_condition(self, role: str) -> ProjectIamMemberCondition:
        # Cloud SQL has no instance-level IAM policy; a condition narrows the project-level
        # binding to this one instance. https://cloud.google.com/sql/docs/postgres/iam-conditions
        return ProjectIamMemberCondition(
            title=f"only {self.instance_name}",
            description=f"{role} on the Cloud SQL instance {self.instance_name} only",
            expression=(
                f'resource.type == "sqladmin.googleapis.com/Instance" && '
                f'resource.name == "projects/{self.project_id}/instances/{self.instance_name}"'
            ),
        )

    def _grant_on_instance(self, id: str, role: str, member: str) -> ProjectIamMember:
        return ProjectIamMember(
            self,
            id,
            project=self.project_id,
            role=role,
            member=member,
            condition=self._instance_condition(role),
            depends_on=self._iam_depends_on or None,
        )

    def grant_client(self, member: str, *, id: str = "client") -> ProjectIamMember:
        """Connect through the Auth Proxy (roles/cloudsql.client), on this instance only."""
        return self._grant_on_instance(id, "roles/cloudsql.client", member)

    def grant_instance_user(self, member: str, *, id: str = "instance-user") -> ProjectIamMember:
        """Log in with IAM database authentication (roles/cloudsql.instanceUser), this instance."""
        return self._grant_on_instance(id, "roles/cloudsql.instanceUser", member)

    def add_iam_service_account_user(
        self,
        email: str,
        *,
        id: str = "iam-user",
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> SqlUser:
        """A database user for a service account, logging in with IAM (no password).

        It starts with no privileges: GRANTs on the MLflow schema are a database-side step.
        """
        suffix = ".gserviceaccount.com"
        if not email.endswith(suffix):
            raise ValueError(f"email {email!r} is not a service account's (*{suffix})")
        return SqlUser(
            self,
            id,
            name=email.removesuffix(suffix),  # Cloud SQL's rule for service-account users
            instance=self.instance.name,
            type="CLOUD_IAM_SERVICE_ACCOUNT",
            depends_on=list(depends_on) or None,
        )
