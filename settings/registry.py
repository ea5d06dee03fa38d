"""The `registry:` section: who may push the server image, and who may build it."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from settings.types import IamMembers, Section

# https://cloud.google.com/build/docs/private-pools/run-builds-in-private-pool
_POOL = re.compile(
    r"projects/([a-z][a-z0-9-]{4,28}[a-z0-9])/locations/([a-z]+-[a-z]+[0-9]+)/workerPools/"
    r"([a-z][a-z0-9-]{0,61}[a-z0-9])"
)


class RegistrySettings(Section):
    """The Artifact Registry repository that holds the server image."""

    writers: IamMembers = Field(
        (),
        description="Other principals allowed to push images (roles/artifactregistry.writer on "
        "this repository only), e.g. a CI system's service account. `make image` builds as the "
        "project's own Cloud Build account, which may push already.",
    )
    builders: IamMembers = Field(
        (),
        description="Principals who may run `make image` without being project owners: they "
        "get roles/cloudbuild.builds.editor, act-as on the build service account and upload "
        "rights on its staging bucket only.",
    )
    build_pool: str | None = Field(
        None,
        description="A Cloud Build private pool for `make image` "
        "(projects/<project>/locations/<region>/workerPools/<name>), in the deployment's "
        "region: inside a VPC Service Controls perimeter builds must run in a private pool "
        "(docs/enterprise.md). The builders need roles/cloudbuild.workerPoolUser on it. "
        "None: Cloud Build's default pool.",
    )

    @field_validator("build_pool")
    @classmethod
    def _pool_path(cls, value: str | None) -> str | None:
        if value is not None and not _POOL.fullmatch(value):
            raise ValueError(
                f"{value!r} must be projects/<project>/locations/<region>/workerPools/<name> "
                "(gcloud builds worker-pools list --format='value(name)')"
            )
        return value

    @property
    def build_pool_region(self) -> str | None:
        match = _POOL.fullmatch(self.build_pool or "")
        return match[2] if match else None
