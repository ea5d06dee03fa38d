"""Cloud Build's own service account and staging bucket, so that `make image` works in a
secure-by-default organization.

Since 2024 a build without `--service-account` runs as the Compute Engine default service
account, which such organizations create with no roles at all: the build can neither read its
uploaded source nor write its logs (https://cloud.google.com/build/docs/cloud-build-service-
account-updates). Here a dedicated account gets exactly what one build needs: write logs
(Cloud Logging only, as cloudbuild.yaml asks), read the source from its own staging bucket, push
to this environment's repository. `make image` passes both, and the principals in
`registry.builders` may act as the account.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.project_iam_custom_role import ProjectIamCustomRole
from cdktf_cdktf_provider_google.project_iam_member import ProjectIamMember
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from cdktf_cdktf_provider_google.storage_bucket import (
    StorageBucket,
    StorageBucketEncryption,
    StorageBucketLifecycleRule,
    StorageBucketLifecycleRuleAction,
    StorageBucketLifecycleRuleCondition,
    StorageBucketVersioning,
)
from cdktf_cdktf_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

from infra.identity import ServiceAccount
from infra.registry import ImageRepository

# The only scope Google offers for writing build logs is the project.
LOG_WRITER = "roles/logging.logWriter"
# Who may run `gcloud builds submit --service-account=...`: create and follow builds (a custom
# role: roles/cloudbuild.builds.editor could also cancel or retry anyone's builds), act as the
# account, put the source into the staging bucket (and find it: bucket get, object list).
BUILDER_PERMISSIONS = (
    "cloudbuild.builds.create",
    "cloudbuild.builds.get",
    "cloudbuild.builds.list",
)
ACT_AS = "roles/iam.serviceAccountUser"


class ImageBuild(Construct):
    """The build's service account, staging bucket and grants.

    Options:
      account_id, bucket_name, location: Required.
      repository: where the build pushes (roles/artifactregistry.writer on it only). Required.
      builders: principals who may submit builds as the account. Default: none (the deployer,
        a project owner, already may).
      builder_role_id: the custom role (project-wide) the builders get. Required with builders.
      source_days: days a staged source archive is kept. Default: 7.
      kms_key: the staging bucket's default Cloud KMS key (CMEK). Default: None.
      depends_on: resources to create first (IAM, Cloud Build, storage APIs). Default: none.
      iam_depends_on: what the project-level grants wait for (Cloud Resource Manager API).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        account_id: str,
        bucket_name: str,
        location: str,
        repository: ImageRepository,
        builders: Sequence[str] = (),
        builder_role_id: str | None = None,
        source_days: int = 7,
        kms_key: str | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
        iam_depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if source_days < 1:
            raise ValueError(f"source_days {source_days} must be >= 1")
        deps = list(depends_on) or None
        self.account = ServiceAccount(
            self,
            "account",
            account_id=account_id,
            display_name="MLflow image build",
            description="Cloud Build's identity for `make image` (logs, source, push)",
            depends_on=depends_on,
            iam_depends_on=iam_depends_on,
        )
        self.account.grant_project_role(LOG_WRITER, id="log-writer")
        # Only source archives live here: disposable, deleted after a week or with the stack.
        self.bucket = StorageBucket(
            self,
            "staging",
            name=bucket_name,
            location=location,
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            force_destroy=True,
            encryption=StorageBucketEncryption(default_kms_key_name=kms_key) if kms_key else None,
            # Versioned like every bucket of the project (an overwritten archive can be
            # recovered), and every version goes after a week.
            versioning=StorageBucketVersioning(enabled=True),
            lifecycle_rule=[
                StorageBucketLifecycleRule(
                    action=StorageBucketLifecycleRuleAction(type="Delete"),
                    condition=StorageBucketLifecycleRuleCondition(age=source_days),
                ),
                StorageBucketLifecycleRule(
                    action=StorageBucketLifecycleRuleAction(type="Delete"),
                    condition=StorageBucketLifecycleRuleCondition(
                        days_since_noncurrent_time=source_days, with_state="ARCHIVED"
                    ),
                ),
            ],
            depends_on=deps,
        )
        self._bucket_grant("source-reader", "roles/storage.objectViewer", self.account.member)
        repository.grant_writer(self.account.member, id="build-writer")
        if builders and builder_role_id is None:
            raise ValueError("builders need a builder_role_id for their custom role")
        role = (
            ProjectIamCustomRole(
                self,
                "builder-role",
                role_id=builder_role_id,
                title="MLflow image builder",
                description="Submit and follow Cloud Build builds (make image)",
                permissions=list(BUILDER_PERMISSIONS),
                depends_on=list(iam_depends_on) or None,
            )
            if builders and builder_role_id
            else None
        )
        for i, member in enumerate(builders):
            assert role is not None
            ProjectIamMember(
                self,
                f"builder-{i}-builds",
                project=self.account.account.project,
                role=role.name,
                member=member,
                depends_on=list(iam_depends_on) or None,
            )
            self._bucket_grant(f"builder-{i}-upload", "roles/storage.objectCreator", member)
            self._bucket_grant(f"builder-{i}-bucket", "roles/storage.legacyBucketReader", member)
            ServiceAccountIamMember(
                self,
                f"builder-{i}-act-as",
                service_account_id=self.account.name,
                role=ACT_AS,
                member=member,
            )
        self.builders = list(builders)
        self.email = self.account.email
        self.staging_dir = f"gs://{bucket_name}/source"

    def _bucket_grant(self, id: str, role: str, member: str) -> StorageBucketIamMember:
        return StorageBucketIamMember(self, id, bucket=self.bucket.name, role=role, member=member)
