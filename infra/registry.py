"""Artifact Registry Docker repository for the MLflow server image (Container Registry is gone)."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.artifact_registry_repository import (
    ArtifactRegistryRepository,
    ArtifactRegistryRepositoryCleanupPolicies,
    ArtifactRegistryRepositoryCleanupPoliciesCondition,
    ArtifactRegistryRepositoryCleanupPoliciesMostRecentVersions,
    ArtifactRegistryRepositoryDockerConfig,
)
from cdktf_cdktf_provider_google.artifact_registry_repository_iam_member import (
    ArtifactRegistryRepositoryIamMember,
)
from constructs import Construct


class ImageRepository(Construct):
    """A regional Docker repository.

    Options:
      repository_id, location, project_id: Required.
      immutable_tags: a pushed tag can never point at another image (a release tag means one
        image, which the deployment pins). Default: True.
      keep_versions: most recent image versions always kept. Default: 10.
      delete_untagged_after_days: untagged images older than this are deleted. Default: 30.
      kms_key: a Cloud KMS key (CMEK) in the repository's region; fixed at creation
        (https://cloud.google.com/artifact-registry/docs/cmek). Default: None.
      depends_on: resources to create first (the Artifact Registry API). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        repository_id: str,
        location: str,
        project_id: str,
        immutable_tags: bool = True,
        keep_versions: int = 10,
        delete_untagged_after_days: int = 30,
        kms_key: str | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if keep_versions < 1 or delete_untagged_after_days < 1:
            raise ValueError(
                f"keep_versions {keep_versions} and delete_untagged_after_days "
                f"{delete_untagged_after_days} must both be >= 1"
            )
        self.repository = ArtifactRegistryRepository(
            self,
            "repository",
            repository_id=repository_id,
            location=location,
            format="DOCKER",
            kms_key_name=kms_key,
            description="MLflow tracking server images",
            docker_config=ArtifactRegistryRepositoryDockerConfig(immutable_tags=immutable_tags),
            cleanup_policy_dry_run=False,
            cleanup_policies=[
                ArtifactRegistryRepositoryCleanupPolicies(
                    id="keep-recent",
                    action="KEEP",
                    most_recent_versions=(
                        ArtifactRegistryRepositoryCleanupPoliciesMostRecentVersions(
                            keep_count=keep_versions
                        )
                    ),
                ),
                ArtifactRegistryRepositoryCleanupPolicies(
                    id="delete-old-untagged",
                    action="DELETE",
                    condition=ArtifactRegistryRepositoryCleanupPoliciesCondition(
                        tag_state="UNTAGGED",
                        older_than=f"{delete_untagged_after_days * 86_400}s",
                    ),
                ),
            ],
            depends_on=list(depends_on) or None,
        )
        self.name = self.repository.name
        # <region>-docker.pkg.dev/<project>/<repository>: images are <uri>/<image>:<tag>.
        self.uri = f"{location}-docker.pkg.dev/{project_id}/{repository_id}"

    def grant_reader(
        self, member: str, *, id: str = "reader"
    ) -> ArtifactRegistryRepositoryIamMember:
        """Pull images from this repository only (roles/artifactregistry.reader)."""
        return self._grant("roles/artifactregistry.reader", member, id)

    def grant_writer(
        self,
        member: str,
        *,
        id: str = "writer",
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> ArtifactRegistryRepositoryIamMember:
        """Push images to this repository only (roles/artifactregistry.writer).

        depends_on: what must exist first, e.g. the API that creates a Google-managed member.
        """
        return self._grant("roles/artifactregistry.writer", member, id, depends_on)

    def _grant(
        self,
        role: str,
        member: str,
        id: str,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> ArtifactRegistryRepositoryIamMember:
        return ArtifactRegistryRepositoryIamMember(
            self,
            id,
            location=self.repository.location,
            repository=self.repository.name,
            role=role,
            member=member,
            depends_on=list(depends_on) or None,
        )
