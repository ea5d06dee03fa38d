"""The `auth:` section: its rules, and what it puts in the ConfigMap."""

from __future__ import annotations

import pytest
import yaml

from k8s.auth import HEALTH_PATH, auth_mode
from settings import REPO_ROOT, ConfigError, Settings, parse_settings


def _dev(**auth: object) -> str:
    data = yaml.safe_load((REPO_ROOT / "config" / "dev.yaml").read_text())
    data["auth"] = {**data["auth"], **auth}
    return yaml.safe_dump(data)


@pytest.mark.parametrize(
    ("auth", "message"),
    [
        ({"project_number": "my-mlflow-project"}, "must be the project's number"),
        ({"project_number": None}, "project_number is required when enabled"),
        ({"admins": []}, "admins: at least one principal"),
        ({"admins": ["Alice"]}, "must be an email"),
        ({"backend_service_id": "web-backend"}, "numeric id"),
        ({"in_cluster_user": "kubectl-port-forward"}, "must differ"),
        ({"port_forward_user": "root@example.com"}, "can then never be an IAP identity"),
        ({"default_permission": "ALL"}, "default_permission"),
    ],
)
def test_bad_auth_settings_are_refused(auth: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_settings(_dev(**auth), env="dev", source="dev.yaml")


def test_local_platform_refuses_auth() -> None:
    data = yaml.safe_load((REPO_ROOT / "config" / "local.yaml").read_text())
    data["auth"] = {"project_number": "123456789012", "admins": ["a@example.com"]}
    with pytest.raises(ConfigError, match=r"auth\.enabled needs platform 'gke'"):
        parse_settings(yaml.safe_dump(data), env="local", source="local.yaml")


def test_off_means_no_auth_entries(dev_settings: Settings) -> None:
    off = parse_settings(_dev(enabled=False), env="dev", source="dev.yaml")
    assert auth_mode(off).config() == {}
    on = auth_mode(dev_settings).config()
    assert on["SERVER_APP_NAME"] == "iap-auth"
    assert on["AUTH_DB_NAME"] == dev_settings.names.auth_database


def test_exact_audience_once_the_backend_service_is_known() -> None:
    s = parse_settings(_dev(backend_service_id="4242"), env="dev", source="dev.yaml")
    assert s.auth.audience == s.auth.audience_prefix + "4242"
    assert s.auth.project_number == "123456789012"
    assert s.auth.audience_prefix == f"/projects/{s.auth.project_number}/global/backendServices/"
    assert auth_mode(s).config()["IAP_BACKEND_SERVICE_ID"] == "4242"


def test_admins_are_lowercased_emails_or_workforce_principals() -> None:
    wif = "principal://iam.googleapis.com/locations/global/workforcePools/corp-ad/subject/Al.Ice"
    s = parse_settings(_dev(admins=["Root@Example.COM", wif]), env="dev", source="dev.yaml")
    assert s.auth.admins == ("root@example.com", wif)


def test_unverified_path_is_the_backend_configs_health_check(k8s_synth, dev_settings) -> None:
    objects = [o for docs in k8s_synth(dev_settings).values() for o in docs]
    (backend,) = [o for o in objects if o["kind"] == "BackendConfig"]
    assert backend["spec"]["healthCheck"]["requestPath"] == HEALTH_PATH
    assert auth_mode(dev_settings).config()["IAP_UNVERIFIED_PATHS"] == HEALTH_PATH
