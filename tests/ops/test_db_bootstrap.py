"""`make apply`'s database bootstrap (ops/db_bootstrap.py) with fake gcloud and kubectl: the role
lent only around the one Job and always taken back, the built-in login of an earlier password
deployment lent too, nothing done twice, and a clear stop when the IAM user is missing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from settings import load_settings
from tests.support.fake_tools import run_with_fakes

pytestmark = pytest.mark.tools  # a project command in a subprocess

NAMES = load_settings("dev").names
IAM_USER = NAMES.db_iam_user
USERS_NEW = json.dumps(
    [{"name": "postgres"}, {"name": IAM_USER, "type": "CLOUD_IAM_SERVICE_ACCOUNT"}]
)
USERS_LEGACY = json.dumps(
    [
        {"name": "postgres", "type": "BUILT_IN"},
        {"name": NAMES.db_user},
        {"name": IAM_USER, "type": "CLOUD_IAM_SERVICE_ACCOUNT"},
    ]
)


def _assigns(calls: list[list[str]]) -> list[list[str]]:
    return [c for c in calls if c[:4] == ["gcloud", "sql", "users", "assign-roles"]]


def _roles(call: list[str]) -> list[str]:
    return [a for a in call if a.startswith(("--database-roles", "--revoke-existing-roles"))]


def _index(calls: list[list[str]], *words: str) -> int:
    return next(i for i, c in enumerate(calls) if all(w in c for w in words))


def test_a_new_instance_lends_cloudsqlsuperuser_around_one_job_then_marks_it_done(
    tmp_path: Path,
) -> None:
    answers = {"gcloud:users&list": USERS_NEW, "kubectl:get&job/": "1"}
    proc, calls = run_with_fakes(tmp_path, "ops.db_bootstrap", answers)
    assert proc.returncode == 0, proc.stderr
    lend, take_back = _assigns(calls)
    assert lend[4] == IAM_USER
    assert "--type=CLOUD_IAM_SERVICE_ACCOUNT" in lend
    assert f"--instance={NAMES.sql_instance}" in lend
    assert f"--project={NAMES.project_id}" in lend
    assert _roles(lend) == ["--database-roles=cloudsqlsuperuser"]
    assert _roles(take_back) == [
        "--revoke-existing-roles",
        f"--database-roles={NAMES.db_owner_role}",
    ]
    # Order: prerequisites, lend, the Job applied and waited for, take back, marker.
    applied = [c[-1] for c in calls if c[0] == "kubectl" and "apply" in c]
    assert applied[:3] == [
        "dist/00-namespace.k8s.yaml",
        "dist/10-config.k8s.yaml",
        "dist/40-policy.k8s.yaml",
    ]
    assert "dist/upgrade-job/db-migrate.k8s.yaml" in applied
    i_lend = calls.index(lend)
    i_job = _index(calls, "apply", "-f", "dist/upgrade-job/db-migrate.k8s.yaml")
    i_back = calls.index(take_back)
    i_marker = _index(calls, "create", "configmap")
    assert i_lend < i_job < i_back < i_marker
    assert f"{NAMES.service}-db-bootstrap" in calls[i_marker]
    assert "holds nothing else" in proc.stdout


def test_an_earlier_password_deployment_lends_its_built_in_login_too(tmp_path: Path) -> None:
    answers = {"gcloud:users&list": USERS_LEGACY, "kubectl:get&job/": "1"}
    proc, calls = run_with_fakes(tmp_path, "ops.db_bootstrap", answers)
    assert proc.returncode == 0, proc.stderr
    lend, _ = _assigns(calls)
    assert _roles(lend) == [f"--database-roles=cloudsqlsuperuser,{NAMES.db_user}"]


def test_a_failed_job_still_takes_everything_back_and_writes_no_marker(tmp_path: Path) -> None:
    failed = json.dumps([{"type": "Failed", "status": "True"}])
    answers = {
        "gcloud:users&list": USERS_NEW,
        "kubectl:get&job/&succeeded": "",
        "kubectl:get&job/&conditions": failed,
        "kubectl:logs": "db-migrate: permission denied",
    }
    proc, calls = run_with_fakes(tmp_path, "ops.db_bootstrap", answers)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "the database bootstrap stopped" in proc.stderr
    assert "permission denied" in proc.stderr
    _, take_back = _assigns(calls)
    assert _roles(take_back) == ["--revoke-existing-roles"]
    assert not any("create" in c and "configmap" in c for c in calls)


def test_done_before_touches_nothing(tmp_path: Path) -> None:
    answers = {"kubectl:get&configmap/": f"configmap/{NAMES.service}-db-bootstrap"}
    proc, calls = run_with_fakes(tmp_path, "ops.db_bootstrap", answers)
    assert proc.returncode == 0, proc.stderr
    assert "done before" in proc.stdout
    assert not _assigns(calls)
    assert [c[0] for c in calls] == ["kubectl"]


def test_no_iam_user_yet_says_run_make_deploy(tmp_path: Path) -> None:
    answers = {"gcloud:users&list": json.dumps([{"name": "postgres"}])}
    proc, calls = run_with_fakes(tmp_path, "ops.db_bootstrap", answers)
    assert proc.returncode == 1
    assert f"the IAM database user {IAM_USER} does not exist" in proc.stderr
    assert "run make deploy first" in proc.stderr
    assert not _assigns(calls)


def test_password_mode_and_the_local_profile_skip_it(tmp_path: Path) -> None:
    proc, calls = run_with_fakes(tmp_path, "ops.db_bootstrap", {}, deploy_env="local")
    assert proc.returncode == 0, proc.stderr
    assert calls == []
