"""The project itself, read at plan time: its number, checked against the config's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable, Postcondition, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.data_google_project import DataGoogleProject
from constructs import Construct


class ProjectFacts(Construct):
    """`data.google_project` with plan-time checks on what the config claims about the project.

    Options:
      project_id: Required.
      claims: config field -> the number it gives this project (project_number,
        auth.project_number); the plan fails, naming the field and both values, when the
        project's real number differs. None values are skipped. Default: none (nothing to
        check).
      depends_on: resources to read after (the Cloud Resource Manager API). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        project_id: str,
        claims: Mapping[str, str | None] | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        checks = [
            Postcondition(
                condition=f'${{self.number == "{number}"}}',
                error_message=(
                    f"{field} in the config is {number}, but project {project_id} has another "
                    f"number: set {field} to the output of gcloud projects describe "
                    f"{project_id} --format='value(projectNumber)'"
                ),
            )
            for field, number in sorted((claims or {}).items())
            if number is not None
        ]
        self.project = DataGoogleProject(
            self,
            "project",
            project_id=project_id,
            depends_on=list(depends_on) or None,
            lifecycle=TerraformResourceLifecycle(postcondition=checks) if checks else None,
        )
        self.number = self.project.number
