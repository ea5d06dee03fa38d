"""The `registry:` section: who may push the server image, and who may build it."""

from __future__ import annotations

from pydantic import Field

from settings.types import IamMembers, Section


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
