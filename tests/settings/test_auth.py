"""The `auth:` section: its rules, and what it puts in the ConfigMap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from k8s.auth import HEALTH_PATH, auth_mode
from settings import REPO_ROOT, ConfigError, Settings, parse_settings

FIXTURES = REPO_ROOT / "tests" / "configs"


def _config(env: str, **auth: object) -> dict[str, object]:
    data = yaml.safe_load((FIXTURES / f"{env}.yaml").read_text())
    data["auth"] = {**data.get("auth", {}), **auth}
    return data


def _dev(**auth: object) -> str:
    """The e2e fixture (platform gke, auth on) with `auth` overrides."""
    return yaml.safe_dump(_config("e2e", **auth))


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        ({"project_number": "my-mlflow-project"}, "must be the project's number"),
        ({"admins": []}, "admins: at least one principal"),
        ({"admins": ["Alice"]}, "must be an email"),
        ({"backend_service_id": "web-backend"}, "numeric id"),
        ({"in_cluster_user": "kubectl-port-forward"}, "must differ"),
        ({"port_forward_user": "root@example.com"}, "can then never be an IAP identity"),
        ({"default_permission": "ALL"}, "default_permission"),
        (
            {"port_forward_permission": "ADMIN"},
            r"auth\.port_forward_permission.*'ADMIN' must be one of READ, EDIT, MANAGE",
        ),
        (
            {"port_forward_permission": "NO_PERMISSIONS"},
            r"'NO_PERMISSIONS' must be one of READ, EDIT, MANAGE .*deny pods/portforward",
        ),
        ({"port_forward_permission": "read"}, "'read' must be one of READ, EDIT, MANAGE"),
    ],
)
def test_bad_auth_settings_are_refused(auth: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(_dev(**auth), env="dev", source="dev.yaml")


@pytest.mark.parametrize(
    ("value", "expected"), [(None, "READ"), ("EDIT", "EDIT"), ("MANAGE", "MANAGE")]
)
def test_port_forward_is_capped_at_read_unless_said(value: str | None, expected: str) -> None:
    data = _config("e2e")
    auth: dict[str, object] = data["auth"]  # type: ignore[assignment]
    auth.pop("port_forward_permission", None)  # the e2e fixture sets it
    if value is not None:
        auth["port_forward_permission"] = value
    s = parse_settings(yaml.safe_dump(data), env="dev", source="dev.yaml")
    assert auth_mode(s).config()["IAP_PORT_FORWARD_PERMISSION"] == expected


def test_local_platform_refuses_auth() -> None:
    data = _config("local", admins=["a@example.com"])
    with pytest.raises(ConfigError, match=r"auth\.enabled needs a GKE platform"):
        parse_settings(yaml.safe_dump(data), env="local", source="local.yaml")


def test_off_means_no_auth_entries(e2e_settings: Settings) -> None:
    off = parse_settings(_dev(enabled=False), env="dev", source="dev.yaml")
    assert auth_mode(off).config() == {}
    on = auth_mode(e2e_settings).config()
    assert on["SERVER_APP_NAME"] == "iap-auth"
    assert on["AUTH_DB_NAME"] == e2e_settings.names.auth_database


def test_exact_audience_once_the_backend_service_is_known() -> None:
    s = parse_settings(_dev(backend_service_id="4242"), env="dev", source="dev.yaml")
    data = auth_mode(s).config()
    assert data["IAP_BACKEND_SERVICE_ID"] == "4242"
    assert data["IAP_PROJECT_NUMBER"] == s.project_number  # the cluster is in project_id


def test_the_audience_names_the_cluster_project() -> None:
    """gke-existing in another project: IAP's audience is that project's number, which the
    top-level project_number (project_id's) is not."""
    data = _config("shared", admins=["a@example.com"])
    data["existing_cluster"]["project"] = "acme-platform-clusters"  # type: ignore[index]
    with pytest.raises(ConfigError, match=r"auth\.enabled needs the number of the cluster's"):
        parse_settings(yaml.safe_dump(data), env="dev", source="shared.yaml")
    data = _config("shared", admins=["a@example.com"], project_number="135792468013")
    data["existing_cluster"]["project"] = "acme-platform-clusters"  # type: ignore[index]
    s = parse_settings(yaml.safe_dump(data), env="dev", source="shared.yaml")
    assert s.target.project != s.project_id
    assert auth_mode(s).config()["IAP_PROJECT_NUMBER"] == "135792468013"


def test_the_project_number_comes_from_somewhere() -> None:
    data = _config("e2e")
    del data["project_number"]
    with pytest.raises(ConfigError, match=r"auth\.enabled needs the number of the cluster's"):
        parse_settings(yaml.safe_dump(data), env="dev", source="e2e.yaml")


def test_admins_are_lowercased_emails_or_workforce_principals() -> None:
    wif = "principal://iam.googleapis.com/locations/global/workforcePools/corp-ad/subject/Al.Ice"
    s = parse_settings(_dev(admins=["Root@Example.COM", wif]), env="dev", source="dev.yaml")
    assert s.auth.admins == ("root@example.com", wif)


def test_unverified_path_is_the_backend_configs_health_check(k8s_synth, e2e_settings) -> None:
    objects = [o for docs in k8s_synth(e2e_settings).values() for o in docs]
    (backend,) = [o for o in objects if o["kind"] == "BackendConfig"]
    assert backend["spec"]["healthCheck"]["requestPath"] == HEALTH_PATH
    assert auth_mode(e2e_settings).config()["IAP_UNVERIFIED_PATHS"] == HEALTH_PATH


def test_one_project_has_one_number() -> None:
    with pytest.raises(ConfigError, match=r"auth\.project_number '111222333444' differs"):
        parse_settings(_dev(project_number="111222333444"), env="dev", source="e2e.yaml")


@pytest.mark.parametrize(
    ("env", "cluster_project", "auth_number", "expected"),
    [
        # The cluster in project_id: one data source, checked against project_number.
        ("e2e", None, None, {"project_number": "246813579024"}),
        # In another project: that project's own data source checks auth.project_number.
        ("shared", "acme-platform-clusters", "135792468013", None),
    ],
)
def test_the_audiences_number_is_checked_at_plan_time(
    tf_synth: Callable[[Settings], Any],
    env: str,
    cluster_project: str | None,
    auth_number: str | None,
    expected: dict[str, str] | None,
) -> None:
    data = _config(env, admins=["a@example.com"])
    if auth_number:
        data["auth"]["project_number"] = auth_number  # type: ignore[index]
    if cluster_project:
        data["existing_cluster"]["project"] = cluster_project  # type: ignore[index]
    settings = parse_settings(yaml.safe_dump(data), env="dev", source=f"{env}.yaml")
    projects = {p["project_id"]: p for p in tf_synth(settings)["data"]["google_project"].values()}

    def checks(project: str) -> dict[str, str]:
        return {
            c["condition"]: c["error_message"]
            for c in projects[project].get("lifecycle", {}).get("postcondition", [])
        }

    if expected is not None:
        (message,) = checks(settings.project_id).values()
        assert list(checks(settings.project_id)) == ['${self.number == "246813579024"}']
        assert message.startswith("project_number in the config is 246813579024")
    else:
        theirs = checks(settings.target.project)
        assert list(theirs) == ['${self.number == "135792468013"}']
        (message,) = theirs.values()
        assert message.startswith("auth.project_number in the config is 135792468013")
        assert "gcloud projects describe acme-platform-clusters" in message
        # project_id's own number is the top-level one's.
        assert list(checks(settings.project_id)) == ['${self.number == "555444333222"}']
