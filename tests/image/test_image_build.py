"""`make image` in a secure-by-default organization: Cloud Build runs as a dedicated account
with only what a build needs, on this environment's resources only."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, Settings

Doc = dict[str, Any]


def _res(doc: Doc, type_: str) -> dict[str, dict[str, Any]]:
    return dict(doc["resource"].get(type_, {}))


@pytest.fixture(scope="module")
def gke(tf_synth: Callable[[Settings], Doc], gke_settings: Settings) -> Doc:
    return tf_synth(gke_settings)


def _address(doc: Doc, type_: str, **match: str) -> str:
    (address,) = [a for a, r in _res(doc, type_).items() if match.items() <= r.items()]
    return address


def test_the_build_account_has_exactly_what_a_build_needs(gke: Doc, gke_settings: Settings) -> None:
    names = gke_settings.names
    account = _address(gke, "google_service_account", account_id=names.build_sa_id)
    member = f"${{google_service_account.{account}.member}}"
    project_roles = {
        r["role"] for r in _res(gke, "google_project_iam_member").values() if r["member"] == member
    }
    assert project_roles == {"roles/logging.logWriter"}  # logs: the only project-level grant
    staging = _address(gke, "google_storage_bucket", name=names.build_bucket)
    bucket_roles = {
        (r["bucket"], r["role"])
        for r in _res(gke, "google_storage_bucket_iam_member").values()
        if r["member"] == member
    }
    assert bucket_roles == {
        (f"${{google_storage_bucket.{staging}.name}}", "roles/storage.objectViewer")
    }
    repo = next(iter(_res(gke, "google_artifact_registry_repository")))
    pushes = [
        r
        for r in _res(gke, "google_artifact_registry_repository_iam_member").values()
        if r["member"] == member
    ]
    assert [(p["role"], p["repository"]) for p in pushes] == [
        ("roles/artifactregistry.writer", f"${{google_artifact_registry_repository.{repo}.name}}")
    ]
    assert not [r for r in _res(gke, "google_service_account_key").values()]


def test_the_staging_bucket_is_private_and_short_lived(gke: Doc, gke_settings: Settings) -> None:
    (bucket,) = [
        b
        for b in _res(gke, "google_storage_bucket").values()
        if b["name"] == gke_settings.names.build_bucket
    ]
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"
    assert bucket["versioning"] == {"enabled": True}
    live, archived = bucket["lifecycle_rule"]
    assert (live["action"]["type"], live["condition"]["age"]) == ("Delete", 7)
    assert archived["condition"] == {"days_since_noncurrent_time": 7, "with_state": "ARCHIVED"}


def test_builders_may_submit_as_the_account_and_nothing_more(
    gke: Doc, gke_settings: Settings
) -> None:
    (builder,) = gke_settings.registry.builders
    grants = {
        (type_, r["role"])
        for type_ in (
            "google_project_iam_member",
            "google_service_account_iam_member",
            "google_storage_bucket_iam_member",
        )
        for r in _res(gke, type_).values()
        if r["member"] == builder
    }
    (role,) = _res(gke, "google_project_iam_custom_role").values()
    assert role["role_id"] == gke_settings.names.builder_role
    assert sorted(role["permissions"]) == [
        "cloudbuild.builds.create",
        "cloudbuild.builds.get",
        "cloudbuild.builds.list",
    ]
    (role_address,) = _res(gke, "google_project_iam_custom_role")
    assert grants == {
        ("google_project_iam_member", f"${{google_project_iam_custom_role.{role_address}.name}}"),
        ("google_service_account_iam_member", "roles/iam.serviceAccountUser"),
        ("google_storage_bucket_iam_member", "roles/storage.objectCreator"),
        ("google_storage_bucket_iam_member", "roles/storage.legacyBucketReader"),
    }
    account = _address(gke, "google_service_account", account_id=gke_settings.names.build_sa_id)
    (act_as,) = [
        r for r in _res(gke, "google_service_account_iam_member").values() if r["member"] == builder
    ]
    assert act_as["service_account_id"] == f"${{google_service_account.{account}.name}}"


def test_a_writer_that_is_a_google_managed_account_waits_for_its_api(gke: Doc) -> None:
    (writer,) = [
        r
        for r in _res(gke, "google_artifact_registry_repository_iam_member").values()
        if r["member"].endswith("-compute@developer.gserviceaccount.com")
    ]
    compute = _address(gke, "google_project_service", service="compute.googleapis.com")
    assert f"google_project_service.{compute}" in writer["depends_on"]


def test_cloudbuild_logs_to_cloud_logging() -> None:
    build = yaml.safe_load((REPO_ROOT / "mlflow_server" / "cloudbuild.yaml").read_text())
    assert build["options"]["logging"] == "CLOUD_LOGGING_ONLY"  # a user-specified account's rule


@pytest.mark.integration
def test_make_image_builds_as_the_account_from_its_bucket(gke_settings: Settings) -> None:
    names = gke_settings.names
    out = subprocess.run(
        ["make", "-s", "-n", "-o", ".venv/.synth-installed", "image", "DEPLOY_ENV=gke"],
        cwd=REPO_ROOT,
        env={**__import__("os").environ, "DEPLOY_CONFIG_DIR": str(REPO_ROOT / "tests/configs")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")
    command = " ".join(
        next(line for line in out.splitlines() if "gcloud builds submit" in line).split()
    )
    project = gke_settings.project_id
    assert f"--service-account=projects/{project}/serviceAccounts/{names.build_sa_email}" in command
    assert f"--gcs-source-staging-dir=gs://{names.build_bucket}/source" in command
