"""The typed, frozen settings model shared by the cdktf app (infra/) and the cdk8s app (k8s/).

A config file (config/<env>.yaml) sets the fields below, one section per module of this
package. What the file describes is then read through three derived views, each computed from
the fields and never stored: `target` (the platform and its section as one typed value,
settings/targets.py), `modes` (the deployment's mode per axis, settings/modes.py) and `names`
(every derived name, settings/names.py). The fixed strings two parts must agree on are
settings/contract.py.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import Field, model_validator

from settings import autopilot, checks
from settings.audit_logs import AuditLogSettings
from settings.auth import AuthSettings
from settings.bucket import BucketSettings
from settings.cluster import ClusterSettings
from settings.database import DatabaseSettings, check_database
from settings.encryption import EncryptionSettings, SecretsSettings, check_encryption
from settings.existing_cluster import ExistingCluster
from settings.garbage_collection import GarbageCollectionSettings
from settings.ingress import IngressApi, IngressSettings
from settings.local import LocalSettings
from settings.modes import Modes, modes_of
from settings.monitoring import MonitoringSettings
from settings.names import Names
from settings.network import NetworkSettings
from settings.registry import RegistrySettings
from settings.resource_locations import LocationsSettings, check_locations
from settings.server import ServerSettings
from settings.targets import Platform, Target, target_of
from settings.types import (
    BucketName,
    EnvironmentName,
    Labels,
    Prefix,
    ProjectId,
    ProjectNumber,
    Region,
    Section,
)


class Settings(Section):
    """One deployment environment. Load with `settings.load_settings()`."""

    environment: EnvironmentName = Field(
        description="Environment name: the config file's stem (set by the loader, not the file)."
    )
    project_id: ProjectId = Field(description="Google Cloud project id.")
    project_number: ProjectNumber | None = Field(
        None,
        description="The project's number (`gcloud projects describe <project_id> "
        "--format='value(projectNumber)'`), as a string. Needed where Google names the project "
        "by number: workload identity federation audiences. Terraform checks it at plan time.",
    )
    region: Region = Field(description="Region for every regional resource.")
    prefix: Prefix = Field("mlflow", description="Prefix of every derived name.")
    platform: Platform = Field(Platform.GKE, description="gke or local.")
    labels: Labels = Field(default_factory=dict, description="Extra labels on GCP resources.")
    state_bucket: BucketName | None = Field(
        None, description="GCS bucket for Terraform state; none: local state file."
    )
    network: NetworkSettings = Field(default_factory=NetworkSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    bucket: BucketSettings = Field(default_factory=BucketSettings)
    cluster: ClusterSettings = Field(default_factory=ClusterSettings)
    server: ServerSettings = Field(default_factory=ServerSettings)
    registry: RegistrySettings = Field(default_factory=RegistrySettings)
    ingress: IngressSettings = Field(default_factory=IngressSettings)
    auth: AuthSettings = Field(
        default_factory=lambda: AuthSettings(enabled=False),
        description="IAP identities inside MLflow (settings/auth.py). Absent: off; present: "
        "`enabled` defaults to true.",
    )
    existing_cluster: ExistingCluster | None = Field(
        None, description="Required when platform is gke-existing, refused otherwise."
    )
    garbage_collection: GarbageCollectionSettings = Field(default_factory=GarbageCollectionSettings)
    monitoring: MonitoringSettings = Field(default_factory=MonitoringSettings)
    secrets: SecretsSettings = Field(default_factory=SecretsSettings)
    locations: LocationsSettings = Field(default_factory=LocationsSettings)
    encryption: EncryptionSettings = Field(default_factory=EncryptionSettings)
    audit_logs: AuditLogSettings = Field(default_factory=AuditLogSettings)
    local: LocalSettings | None = Field(
        None, description="Required when platform is local, refused otherwise."
    )

    @model_validator(mode="before")
    @classmethod
    def _local_login_default(cls, data: Any) -> Any:
        """database.auth defaults to iam on GKE; the local profile, whose pods reach Cloud SQL
        through workload identity federation, keeps the password unless told otherwise (and
        `iam` is refused there: check_database)."""
        if not isinstance(data, dict) or data.get("platform") != "local":
            return data
        db = data.get("database")
        if db is None:
            return {**data, "database": {"auth": "password"}}
        if isinstance(db, dict) and "auth" not in db:
            return {**data, "database": {**db, "auth": "password"}}
        return data

    @model_validator(mode="before")
    @classmethod
    def _autopilot_defaults(cls, data: Any) -> Any:
        """On Autopilot, what the server's pod leaves unset gets Autopilot's own defaults
        (settings/autopilot.py: server_defaults)."""
        return autopilot.server_defaults(data) if isinstance(data, dict) else data

    @model_validator(mode="after")
    def _coherent(self) -> Settings:
        target = target_of(self)  # the platform's section present, the others absent
        if self.auth.enabled:
            self._check_auth(target)
        if self.ingress.api is IngressApi.GATEWAY and not target.is_gke:
            raise ValueError(
                "ingress.api: gateway needs a GKE platform (GKE's Gateway controller builds the "
                "load balancer); the local profile's edge is a LoadBalancer Service"
            )
        loc = self.cluster.location
        if loc and loc != self.region and not re.fullmatch(re.escape(self.region) + r"-[a-z]", loc):
            raise ValueError(
                f"cluster.location {loc!r} must be the region {self.region!r} or one of its "
                f"zones ({self.region}-a, -b, ...)"
            )
        pool_region = self.registry.build_pool_region
        if pool_region is not None and pool_region != self.region:
            raise ValueError(
                f"registry.build_pool is in {pool_region}, not the region {self.region}: "
                "`make image` builds in the deployment's region; name a pool there"
            )
        check_database(self.database, target)
        Names.derive(self, target).check()
        checks.check_created_gke(self, target)  # zone, node capacity, node_selector
        check_encryption(self)  # settings/encryption.py
        check_locations(self)  # settings/resource_locations.py
        return self

    def _check_auth(self, target: Target) -> None:
        """IAP identities: a GKE platform, and one known number for the cluster's project."""
        if not target.is_gke:
            raise ValueError(
                "auth.enabled needs a GKE platform: IAP signs the identities it verifies, "
                "and the local profile has no IAP (set auth.enabled: false)"
            )
        if self.iap_project_number is None:
            raise ValueError(
                "auth.enabled needs the number of the cluster's project (IAP's audience is "
                "/projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID): set "
                "project_number, or auth.project_number when the cluster is in another "
                f"project (gcloud projects describe {target.project} "
                "--format='value(projectNumber)')"
            )
        claimed = self.auth.project_number
        if (
            claimed is not None
            and self.project_number is not None
            and target.project == self.project_id
            and claimed != self.project_number
        ):
            raise ValueError(
                f"auth.project_number {claimed!r} differs from project_number "
                f"{self.project_number!r}, and the cluster is in {self.project_id}: one "
                "project has one number (leave auth.project_number out)"
            )

    @property
    def target(self) -> Target:
        """The platform and its own section, typed (settings/targets.py)."""
        return target_of(self)

    @property
    def modes(self) -> Modes:
        """The mode of each axis: edge, database connectivity and authentication, secrets."""
        return modes_of(self)

    @property
    def names(self) -> Names:
        return Names.derive(self)

    @property
    def iap_project_number(self) -> str | None:
        """The number of the project whose backend service IAP fronts: the cluster's."""
        if self.auth.project_number is not None:
            return self.auth.project_number
        return self.project_number if self.target.project == self.project_id else None

    def project_number_claims(self, project: str) -> dict[str, str | None]:
        """What the config says `project`'s number is, by field (checked at plan time)."""
        claims: dict[str, str | None] = {}
        if project == self.project_id:
            claims["project_number"] = self.project_number
        if self.auth.enabled and project == self.target.project:
            claims["auth.project_number"] = self.auth.project_number
        return claims

    @property
    def bucket_location(self) -> str:
        return (self.bucket.location or self.region).upper()

    @property
    def common_labels(self) -> dict[str, str]:
        """GCP labels on every resource."""
        return {
            "app": "mlflow",
            "environment": self.environment,
            "managed-by": "cdktf",
            **self.labels,
        }
