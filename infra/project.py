"""The project itself, read at plan time: its number, checked against the config's."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable, Postcondition, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.data_google_project import DataGoogleProject
from constructs import Construct


class ProjectFacts(Construct):
    """`data.google_project` with plan-time checks on what the config claims about the project.

    Options:
      project_id: Required.
      expected_number: the config's project_number; the plan fails, naming both values, when
        the project's real number differs. Default: None (nothing to check).
      depends_on: resources to read after (the Cloud Resource Manager API). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        project_id: str,
        expected_number: str | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        checks = []
        if expected_number is not None:
            checks.append(
                Postcondition(
                    condition=f'${{self.number == "{expected_number}"}}',
                    error_message=(
                        f"project_number in the config is {expected_number}, but project "
                        f"{project_id} has another number: set project_number to the output of "
                        f"gcloud projects describe {project_id} --format='value(projectNumber)'"
                    ),
                )
            )
        self.project = DataGoogleProject(
            self,
            "project",
            project_id=project_id,
            depends_on=list(depends_on) or None,
            lifecycle=TerraformResourceLifecycle(postcondition=checks) if checks else None,
        )
        self.number = self.project.number
