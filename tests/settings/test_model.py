"""The settings model: derived names, and a clear error for every kind of bad input."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import ConfigError, Platform, Settings, load_settings, parse_settings
from tests.support.configs import FIXTURE_ENVS, FIXTURES, fixture_settings

GKE = yaml.safe_load((FIXTURES / "gke.yaml").read_text())


def test_dev_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dev.yaml").write_text((FIXTURES / "gke.yaml").read_text())
    (tmp_path / "laptop.yaml").write_text((FIXTURES / "keyed.yaml").read_text())
    monkeypatch.setenv("DEPLOY_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("DEPLOY_ENV", raising=False)
    assert load_settings().environment == "dev"
    monkeypatch.setenv("DEPLOY_ENV", "laptop")
    assert load_settings().platform is Platform.LOCAL


def test_settings_are_frozen(gke_settings: Settings) -> None:
    with pytest.raises(Exception, match="frozen"):
        gke_settings.region = "us-central1"  # type: ignore[misc]


def test_names_are_derived_once_and_deterministic(gke_settings: Settings) -> None:
    n = gke_settings.names
    assert n == fixture_settings("gke").names
    assert n.bucket == "acme-ml-platform-mlf-gke-artifacts"
    assert n.connection_name == "acme-ml-platform:us-central1:mlf-gke-pg"
    assert n.workload_sa_email == "mlf-gke-server@acme-ml-platform.iam.gserviceaccount.com"
    assert n.workload_identity_member == (
        "serviceAccount:acme-ml-platform.svc.id.goog[mlf-gke/mlflow-server]"
    )
    assert n.image == ("us-central1-docker.pkg.dev/acme-ml-platform/mlf-gke/mlflow-server:3.18.0-4")
    assert n.artifact_destination == "gs://acme-ml-platform-mlf-gke-artifacts/artifacts"
    assert n.federation_audience == (
        "//iam.googleapis.com/projects/987654321098/locations/global/workloadIdentityPools/"
        "mlf-gke-k8s/providers/mlf-gke-oidc"
    )


def test_environments_never_share_a_name(gke_settings: Settings, local_settings: Settings) -> None:
    local = local_settings
    dev_names, local_names = vars(gke_settings.names), vars(local.names)
    shared = {k for k in dev_names if dev_names[k] == local_names[k] and k not in SHARED_BY_DESIGN}
    assert not shared


SHARED_BY_DESIGN = {
    "project_id",
    "region",
    "database",
    "auth_database",  # a database of each environment's own instance, like `database`
    "db_user",
    "db_owner_role",  # a role of each environment's own instance, like `db_user`
    "ksa",
    "service",
    "workload_pool",
    "gcp_credentials_config_map",
    "credentials_secret",
    "iap_oauth_secret",
}


def _set(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    *parents, leaf = dotted.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    if value is _DELETE:
        node.pop(leaf)
    else:
        node[leaf] = value
    return data


_DELETE = object()

# (dotted field, bad value, text the message must contain: the field and the rule)
BAD_VALUES = [
    ("project_id", "My_Project", "6-30 characters"),
    ("project_id", "abc", "6-30 characters"),
    ("project_id", "project-ending-", "does not end with a hyphen"),
    ("project_id", _DELETE, "required setting is missing"),
    ("region", "europe west1", "Google Cloud region"),
    ("region", 42, "must be text (quote it), got 42"),
    ("prefix", "ML", "lowercase"),
    ("prefix", "averyveryverylongprefix", "1-12"),
    ("platform", "eks", "must be one of 'gke', 'gke-existing' or 'local'"),
    ("labels", {"Team": "x"}, "label key"),
    ("labels", {"team": "Has Space"}, "label value"),
    ("state_bucket", "goog..bad", "3-63 characters"),
    ("database.version", "POSTGRES_9_6", "POSTGRES_14"),
    ("database.tier", "db-f1-micro", "shared-core tiers have no SLA"),
    ("database.tier", "db-custom-3-3840", "even number"),
    ("database.tier", "db-custom-1-1000", "multiple of 256 MiB"),
    ("database.tier", "db-perf-optimized-N-2", "need ENTERPRISE_PLUS"),
    ("database.disk_size_gb", 5, "must be at least 10, got 5"),
    ("database.disk_size_gb", "ten", "must be a whole number, got 'ten'"),
    ("database.availability", "MULTI", "must be one of 'ZONAL' or 'REGIONAL'"),
    ("database.backup_start_time", "25:00", "HH:MM"),
    ("database.maintenance_day", 8, "must be at most 7, got 8"),
    ("database.user", "MLflow_User", "DNS-1123 label"),
    ("database.tyer", "db-custom-1-3840", "did you mean 'tier'?"),
    ("cluster.machine_type", "e2-micro", "shared-core"),
    ("cluster.min_nodes", 0, "must be at least 1, got 0"),
    ("cluster.max_nodes", -1, "must be at least 1, got -1"),
    ("cluster.location", "europe-west1-b", "must be the region"),
    ("cluster.release_channel", "BETA", "'RAPID'"),
    ("server.replicas", 0, "must be more than 0"),
    ("server.workers", 1.5, "must be a whole number, not a fraction"),
    ("server.port", 80, "must be at least 1024"),
    ("server.proxy_image", "gcr.io/cloud-sql-connectors/cloud-sql-proxy", "registry/path:tag"),
    ("server.image", "mlflow:latest", "with a registry host"),
    ("server.namespace", "Bad_NS", "DNS-1123 label"),
    ("ingress.host", "MLflow.Example.com", "DNS-1123 subdomain"),
    ("ingress.iap_members", ["allUsers"], "would make MLflow public"),
    ("ingress.iap_members", ["alice@example.com"], "user:"),
    ("network.pods_cidr", "10.40.0.0/20", "overlaps"),
    ("network.subnet_cidr", "8.8.8.0/24", "private (RFC 1918)"),
    ("network.subnet_cidr", "10.10.0.1/20", "host bits zero"),
    ("network.subnet_cidr", "10.10.0.0", "add its prefix length"),
    ("network.master_authorized_cidrs", ["203.0.113.7"], "203.0.113.7/32"),
    ("network.master_authorized_cidrs", "203.0.113.0/24", "must be a list"),
    ("server.replicas", "two", "must be a whole number"),
    ("cluster.spot", "maybe", "must be true or false"),
    ("network.master_cidr", "172.16.0.0/24", "must be a /28"),
    ("network.private_services_cidr", "10.30.0.0/26", "/24 or larger"),
    ("bucket.soft_delete_days", 120, "must be at most 90"),
    ("bucket.soft_delete_days", 3, "7 to 90 days, or not at all (0)"),
    ("database.retained_backups", 400, "must be at most 365"),
    ("database.transaction_log_retention_days", 14, "Enterprise keeps at most 7 days"),
    ("database.disk_autoresize_limit_gb", 5, "is below disk_size_gb 10"),
    ("database.disk_size_gb", 70000, "must be at most 65536"),
    ("cluster.disk_size_gb", 10, "must be at least 15"),
    ("cluster.max_nodes", 1001, "must be at most 1000"),
    ("server.upload_timeout_seconds", 0, "must be at least 1"),
    ("bucket.location", "no such place", "Cloud Storage location"),
    ("local", {"credentials": "service_account_key"}, "only applies to platform 'local'"),
    ("project_number", "0123", "digits only"),
    ("project_number", 987654321098, "must be text (quote it)"),
    ("surprise", 1, "unknown setting"),
]


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    BAD_VALUES,
    ids=[f"{f}={v!r}"[:60] for f, v, _ in BAD_VALUES],
)
def test_bad_value_names_file_field_value_and_rule(field: str, value: Any, rule: str) -> None:
    text = yaml.safe_dump(_set(GKE, field, value))
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, env="dev", source="config/dev.yaml")
    message = str(caught.value)
    assert message.startswith("config/dev.yaml: ")
    assert rule in message
    top = field.split(".")[0]
    assert top in message or field in message
    if isinstance(value, str) and "unknown setting" not in message:
        assert value in message  # the bad value itself is quoted


def test_derived_names_fit_by_construction_and_are_still_checked() -> None:
    # The longest prefix, environment and project id still give valid names ...
    longest = {**GKE, "project_id": "a" * 30, "prefix": "m" * 12}
    names = parse_settings(yaml.safe_dump(longest), env="e" * 8, source="x.yaml").names
    assert len(names.bucket) <= 63
    assert len(names.workload_sa_id) <= 30
    # ... and a derived name that breaks a service's rule names the inputs to change.
    text = yaml.safe_dump({**GKE, "prefix": "googleml"})
    with pytest.raises(ConfigError, match=r"derived name bucket: .*'google'.*prefix, environment"):
        parse_settings(text, env="dev", source="config/dev.yaml")


def test_local_platform_needs_its_section_and_a_public_ip() -> None:
    no_section = {**GKE, "platform": "local", "database": {"allow_public_ip": True}}
    with pytest.raises(ConfigError, match="needs a 'local' section"):
        parse_settings(yaml.safe_dump(no_section), env="local", source="x.yaml")
    private = {**GKE, "platform": "local", "local": {"credentials": "service_account_key"}}
    with pytest.raises(ConfigError, match="allow_public_ip: true"):
        parse_settings(yaml.safe_dump(private), env="local", source="x.yaml")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("project_id: [unclosed", "not valid YAML"),
        ("- a\n- list\n", "top level must be a mapping"),
        ("project_id: p\n  bad: indent\n", "not valid YAML"),
        (yaml.safe_dump({**GKE, "environment": "prod"}), "set by the file name"),
    ],
)
def test_malformed_file(text: str, rule: str) -> None:
    with pytest.raises(ConfigError, match=rule):
        parse_settings(text, env="dev", source="config/dev.yaml")


@pytest.mark.parametrize(
    ("env", "rule"),
    [
        ("staging", "no config file tests/configs/staging.yaml"),
        ("../dev", "DEPLOY_ENV"),
        ("Prod", "1-16"),
    ],
)
def test_unknown_or_invalid_deploy_env(env: str, rule: str) -> None:
    with pytest.raises(ConfigError, match=rule) as caught:
        load_settings(env, folder=FIXTURES)
    if "no config file" in rule:
        assert f"known environments: {', '.join(sorted(FIXTURE_ENVS))}" in str(caught.value)


def test_config_dir_can_live_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "prod.yaml").write_text(yaml.safe_dump({**GKE, "project_id": "acme-ml-prod"}))
    monkeypatch.setenv("DEPLOY_CONFIG_DIR", str(tmp_path))
    assert load_settings("prod").names.bucket == "acme-ml-prod-mlf-prod-artifacts"
