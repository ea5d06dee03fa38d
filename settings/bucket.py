"""The `bucket:` section: the GCS bucket that holds MLflow's artifacts."""

from __future__ import annotations

from pydantic import Field, model_validator

from settings.types import Dns1123Label, GcsLocation, PositiveInt, Section


class BucketSettings(Section):
    """The GCS bucket that holds MLflow artifacts."""

    location: GcsLocation | None = Field(
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
