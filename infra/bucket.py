"""The Cloud Storage bucket holding MLflow's artifacts, and bucket-scoped access to it."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.storage_bucket import (
    StorageBucket,
    StorageBucketEncryption,
    StorageBucketLifecycleRule,
    StorageBucketLifecycleRuleAction,
    StorageBucketLifecycleRuleCondition,
    StorageBucketSoftDeletePolicy,
    StorageBucketVersioning,
)
from cdktf_cdktf_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

DAY_SECONDS = 86_400


class ArtifactBucket(Construct):
    """A private, versioned bucket.

    Options:
      name: bucket name (globally unique). Required.
      location: region or multi-region, upper case. Required.
      versioning: keep replaced and deleted object versions. Default: True.
      noncurrent_version_days: days a noncurrent version is kept before deletion. Default: 30.
      soft_delete_days: soft-delete retention, 0 turns it off. Default: 7.
      force_destroy_with_objects: let `destroy` delete a bucket that still holds artifacts (the
        experiment history is lost). Default: False.
      kms_key: the Cloud KMS key (CMEK) new objects are encrypted with by default, in the
        bucket's location. Default: None (Google's encryption).
      depends_on: resources to create first (the storage API). Default: none.
    Uniform bucket-level access and public access prevention are always on: MLflow needs
    neither object ACLs nor public objects.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        location: str,
        versioning: bool = True,
        noncurrent_version_days: int = 30,
        soft_delete_days: int = 7,
        force_destroy_with_objects: bool = False,
        kms_key: str | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if noncurrent_version_days < 1:
            raise ValueError(f"noncurrent_version_days {noncurrent_version_days} must be >= 1")
        if not 0 <= soft_delete_days <= 90:
            raise ValueError(f"soft_delete_days {soft_delete_days} must be 0..90 (GCS's rule)")
        self.bucket = StorageBucket(
            self,
            "bucket",
            name=name,
            location=location,
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning=StorageBucketVersioning(enabled=versioning),
            soft_delete_policy=StorageBucketSoftDeletePolicy(
                retention_duration_seconds=soft_delete_days * DAY_SECONDS
            ),
            # Versions pile up as runs overwrite artifacts; keep a bounded undo window only.
            lifecycle_rule=[
                StorageBucketLifecycleRule(
                    action=StorageBucketLifecycleRuleAction(type="Delete"),
                    condition=StorageBucketLifecycleRuleCondition(
                        days_since_noncurrent_time=noncurrent_version_days,
                        with_state="ARCHIVED",
                    ),
                )
            ],
            force_destroy=force_destroy_with_objects,
            # https://cloud.google.com/storage/docs/encryption/using-customer-managed-keys
            encryption=StorageBucketEncryption(default_kms_key_name=kms_key) if kms_key else None,
            depends_on=list(depends_on) or None,
        )
        self.name = self.bucket.name
        self.url = self.bucket.url

    def _grant(self, id: str, role: str, member: str) -> StorageBucketIamMember:
        return StorageBucketIamMember(self, id, bucket=self.bucket.name, role=role, member=member)

    def grant_object_user(self, member: str, *, id: str = "object-user") -> StorageBucketIamMember:
        """Read, create, overwrite, list and delete objects in this bucket only.

        roles/storage.objectUser: what MLflow's artifact proxy needs (log, download, delete
        runs' artifacts), without the IAM-policy permissions of objectAdmin.
        """
        return self._grant(id, "roles/storage.objectUser", member)

    def grant_object_viewer(
        self, member: str, *, id: str = "object-viewer"
    ) -> StorageBucketIamMember:
        """Read and list objects in this bucket only (roles/storage.objectViewer)."""
        return self._grant(id, "roles/storage.objectViewer", member)
