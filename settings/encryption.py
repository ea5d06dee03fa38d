"""The `encryption:` section: customer-managed encryption keys (CMEK) for everything the
stack keeps data in, and the `secrets:` section, where Secret Manager keeps the secrets.

One key (`encryption.kms_key`) encrypts every resource, or one key per resource
(`encryption.keys`). The stack never creates keys: their rotation, their protection from
destruction and who administers them stay with whoever owns the key ring (often a central
security project). It grants each Google service agent that encrypts on the project's behalf
roles/cloudkms.cryptoKeyEncrypterDecrypter on its key (`grant_service_agents`).

A key must be in the location of what it encrypts (Cloud SQL: "The key must be in the same
region as the instance", https://cloud.google.com/sql/docs/postgres/cmek; Cloud Storage: the
bucket's location, https://cloud.google.com/storage/docs/encryption/customer-managed-keys;
regional secrets: "The location of the CMEK key must be the same as the location of the
regional secret", https://cloud.google.com/secret-manager/regional-secrets/create-secret-cmek-encryption;
a secret with automatic replication needs a key in `global`, https://cloud.google.com/
secret-manager/docs/reference/rest/v1/projects.secrets#customermanagedencryption). Everything
here is in the region, so every key is too, and the secrets must be regional.

Turning CMEK on for an existing environment replaces the Cloud SQL instance and the image
repository (their key is ForceNew in google 6.50.0: ops/review/force_new.json), so `make review`
refuses it as data loss; docs/enterprise.md describes the migration (a new environment, then
the data moved).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import Field

from settings.modes import SecretLocation
from settings.targets import CreatedGke
from settings.types import KmsKey, Section

if TYPE_CHECKING:
    from settings.model import Settings


class KeyUse(StrEnum):
    """What a key encrypts."""

    DATABASE = "database"  # the Cloud SQL instance, its replicas and backups
    BUCKET = "bucket"  # the artifact bucket and the image build's staging bucket
    SECRETS = "secrets"  # both Secret Manager secrets (regional)  # pragma: allowlist secret
    REGISTRY = "registry"  # the Artifact Registry repository
    DISKS = "disks"  # the GKE nodes' boot disks (platform gke)
    CLUSTER = "cluster"  # GKE application-layer secrets encryption, etcd (platform gke)


# The service agent of each use, by the project's number (the bucket's is read instead).
AGENT_DOMAINS: dict[KeyUse, str] = {
    KeyUse.DATABASE: "gcp-sa-cloud-sql.iam.gserviceaccount.com",
    KeyUse.SECRETS: "gcp-sa-secretmanager.iam.gserviceaccount.com",  # pragma: allowlist secret
    KeyUse.REGISTRY: "gcp-sa-artifactregistry.iam.gserviceaccount.com",
    KeyUse.DISKS: "compute-system.iam.gserviceaccount.com",
    KeyUse.CLUSTER: "container-engine-robot.iam.gserviceaccount.com",
}
# The agents Google creates lazily, on a first use that a CMEK resource cannot wait for: `make
# deploy` creates them first (ops/service_agents.py; google_project_service_identity, which
# would, is in the google-beta provider only). https://cloud.google.com/sql/docs/postgres/cmek
# ("gcloud beta services identity create --service=sqladmin.googleapis.com") and
# https://cloud.google.com/secret-manager/docs/cmek (the same for secretmanager.googleapis.com).
LAZY_AGENT_APIS: dict[KeyUse, str] = {
    KeyUse.DATABASE: "sqladmin.googleapis.com",
    KeyUse.SECRETS: "secretmanager.googleapis.com",  # pragma: allowlist secret
}

# What only a cluster this project creates has.
CLUSTER_USES = (KeyUse.DISKS, KeyUse.CLUSTER)


class SecretsSettings(Section):
    """Where Secret Manager keeps the database password and the KEK passphrase."""

    location: SecretLocation = Field(
        SecretLocation.GLOBAL,
        description="global: automatic replication (Google picks the locations; an "
        "organization whose constraints/gcp.resourceLocations refuses `global` cannot create "
        "it). regional: regional secrets in `region` (the GKE Secret Manager add-on reads "
        "them; required by locations.allowed without global and by encryption). Changing it "
        "replaces both secrets; their values stay (Terraform state holds them): "
        "docs/enterprise.md.",
    )


class EncryptionSettings(Section):
    """Customer-managed encryption keys (Cloud KMS). Absent: Google's default encryption."""

    kms_key: KmsKey | None = Field(
        None,
        description="One Cloud KMS key (projects/P/locations/<region>/keyRings/R/cryptoKeys/K) "
        "for every resource that keeps data: Cloud SQL, the buckets, the secrets, Artifact "
        "Registry and, on platform gke, the nodes' boot disks and etcd. Only on a new "
        "environment (docs/enterprise.md).",
    )
    keys: dict[KeyUse, KmsKey] = Field(
        default_factory=dict,
        description="A key per resource (database, bucket, secrets, registry, disks, cluster), "
        "overriding kms_key; without kms_key every resource needs one.",
    )
    grant_service_agents: bool = Field(
        True,
        description="Grant each Google service agent roles/cloudkms.cryptoKeyEncrypterDecrypter "
        "on its key. false: the key ring's administrators grant them (the deployer then needs "
        "no rights on the keys); `make names` lists no agents, docs/enterprise.md does.",
    )

    @property
    def enabled(self) -> bool:
        return self.kms_key is not None or bool(self.keys)

    def key_for(self, use: KeyUse) -> str | None:
        return self.keys.get(use, self.kms_key)


def key_location(key: str) -> str:
    return key.split("/")[3]


def uses_for(settings: Settings) -> tuple[KeyUse, ...]:
    """The resources this environment encrypts: the cluster's only when it is created here."""
    created = isinstance(settings.target, CreatedGke)
    return tuple(u for u in KeyUse if created or u not in CLUSTER_USES)


def check_encryption(settings: Settings) -> None:
    """A key for every resource, in that resource's location; regional secrets."""
    enc = settings.encryption
    if not enc.enabled:
        return
    uses = uses_for(settings)
    foreign = sorted(u.value for u in enc.keys if u not in uses)
    if foreign:
        raise ValueError(
            f"encryption.keys {foreign}: the cluster is not this project's (platform "
            f"{settings.platform.value}); its disks and etcd are encrypted where it was created"
        )
    missing = [u.value for u in uses if enc.key_for(u) is None]
    if missing:
        raise ValueError(
            f"encryption.keys has no key for {missing} and encryption.kms_key is not set: a "
            "resource left on Google's keys is refused under "
            "constraints/gcp.restrictNonCmekServices"
        )
    if settings.secrets.location is SecretLocation.GLOBAL:
        raise ValueError(
            "encryption needs secrets.location: regional: a secret with automatic replication "
            "(global) takes only a key in `global`, and the keys here are regional"
        )
    bucket = settings.bucket_location.lower()
    if bucket != settings.region:
        raise ValueError(
            f"encryption needs bucket.location {bucket!r} to be the region {settings.region!r}: "
            "a bucket's key must be in the bucket's location, and the build's staging bucket "
            "(in the region) uses the same key"
        )
    for use in uses:
        key = enc.key_for(use)
        assert key is not None
        if key_location(key) != settings.region:
            field = f"encryption.keys.{use.value}" if use in enc.keys else "encryption.kms_key"
            raise ValueError(
                f"{field} {key!r} is in {key_location(key)!r}, but the {use.value} is in "
                f"{settings.region!r}: a CMEK key must be in the location of what it encrypts"
            )
