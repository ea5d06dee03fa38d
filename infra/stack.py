"""The one Terraform stack of an environment: providers, state backend, then each concern."""

from __future__ import annotations

from cdktf import GcsBackend, LocalBackend, TerraformStack
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cdktf_provider_random.provider import RandomProvider
from constructs import Construct

from settings import Settings


class MlflowStack(TerraformStack):
    """Everything on Google Cloud that the MLflow server needs, for one environment."""

    def __init__(self, scope: Construct, id: str, *, settings: Settings) -> None:
        super().__init__(scope, id)
        self.settings = settings
        names = settings.names

        GoogleProvider(
            self,
            "google",
            project=settings.project_id,
            region=settings.region,
            default_labels=settings.common_labels,
        )
        RandomProvider(self, "random")

        if settings.state_bucket:
            GcsBackend(self, bucket=settings.state_bucket, prefix=f"mlflow/{names.terraform_stack}")
        else:
            # Relative to cdktf.out/stacks/<stack>/, where terraform runs: the state file lands
            # in the repository root (git-ignored), outside the folder that synth rewrites, and
            # cdk.tf.json holds no absolute path of this machine.
            LocalBackend(self, path=f"../../../terraform.{names.terraform_stack}.tfstate")
