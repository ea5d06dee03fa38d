"""The settings model: derived names, and a clear error for every kind of bad input."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import CONFIG_DIR, ConfigError, Platform, Settings, load_settings, parse_settings

DEV = yaml.safe_load((CONFIG_DIR / "dev.yaml").read_text())


def test_dev_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEPLOY_ENV", raising=False)
    assert load_settings().environment == "dev"
    monkeypatch.setenv("DEPLOY_ENV", "local")
    assert load_settings().platform is Platform.LOCAL


def test_settings_are_frozen(dev_settings: Settings) -> None:
    with pytest.raises(Exception, match="frozen"):
        dev_settings.region = "us-central1"  # type: ignore[misc]


def test_names_are_derived_once_and_deterministic(dev_settings: Settings) -> None:
    n = dev_settings.names
    assert n == load_settings("dev").names
    assert n.bucket == "my-mlflow-project-mlflow-dev-artifacts"
    assert n.connection_name == "my-mlflow-project:europe-west1:mlflow-dev-pg"
    assert n.workload_sa_email == "mlflow-dev-server@my-mlflow-project.iam.gserviceaccount.com"
    assert n.workload_identity_member == (
        "serviceAccount:my-mlflow-project.svc.id.goog[mlflow-dev/mlflow-server]"
    )
    assert n.image == (
        "europe-west1-docker.pkg.dev/my-mlflow-project/mlflow-dev/mlflow-server:3.17.2-1"
    )
    assert n.artifact_destination == "gs://my-mlflow-project-mlflow-dev-artifacts/artifacts"


def test_environments_never_share_a_name(dev_settings: Settings) -> None:
    local = load_settings("local")
    dev_names, local_names = vars(dev_settings.names), vars(local.names)
    shared = {k for k in dev_names if dev_names[k] == local_names[k] and k not in SHARED_BY_DESIGN}
    assert not shared


SHARED_BY_DESIGN = {
    "project_id",
    "region",
    "database",
    "auth_database",  # a database of each environment's own instance, like `database`
    "db_user",
    "ksa",
    "service",
    "workload_pool",
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
    ("region", 42, "valid string"),
    ("prefix", "ML", "lowercase"),
    ("prefix", "averyveryverylongprefix", "1-12"),
    ("platform", "eks", "'gke' or 'local'"),
    ("labels", {"Team": "x"}, "label key"),
    ("labels", {"team": "Has Space"}, "label value"),
    ("state_bucket", "goog..bad", "3-63 characters"),
    ("database.version", "POSTGRES_9_6", "POSTGRES_14"),
    ("database.tier", "db-f1-micro", "shared-core tiers have no SLA"),
    ("database.tier", "db-custom-3-3840", "even number"),
    ("database.tier", "db-custom-1-1000", "multiple of 256 MiB"),
    ("database.tier", "db-perf-optimized-N-2", "needs ENTERPRISE_PLUS"),
    ("database.disk_size_gb", 5, "greater than or equal to 10"),
    ("database.disk_size_gb", "ten", "valid integer"),
    ("database.availability", "MULTI", "'ZONAL' or 'REGIONAL'"),
    ("database.backup_start_time", "25:00", "HH:MM"),
    ("database.maintenance_day", 8, "less than or equal to 7"),
    ("database.user", "MLflow_User", "DNS-1123 label"),
    ("database.tyer", "db-custom-1-3840", "did you mean 'tier'?"),
    ("cluster.machine_type", "e2-micro", "shared-core"),
    ("cluster.min_nodes", 0, "greater than 0"),
    ("cluster.max_nodes", -1, "greater than 0"),
    ("cluster.location", "us-central1-a", "must be the region"),
    ("cluster.release_channel", "BETA", "'RAPID'"),
    ("server.replicas", 0, "greater than 0"),
    ("server.workers", 1.5, "valid integer"),
    ("server.port", 80, "greater than or equal to 1024"),
    ("server.proxy_image", "gcr.io/cloud-sql-connectors/cloud-sql-proxy", "registry/path:tag"),
    ("server.image", "mlflow:latest", "with a registry host"),
    ("server.namespace", "Bad_NS", "DNS-1123 label"),
    ("ingress.host", "MLflow.Example.com", "DNS-1123 subdomain"),
    ("ingress.iap_members", ["allUsers"], "never allUsers"),
    ("ingress.iap_members", ["alice@example.com"], "user:"),
    ("network.pods_cidr", "10.10.0.0/20", "overlaps"),
    ("network.subnet_cidr", "8.8.8.0/24", "private (RFC 1918)"),
    ("network.subnet_cidr", "10.10.0.1/20", "host bits zero"),
    ("network.master_cidr", "172.16.0.0/24", "must be a /28"),
    ("network.private_services_cidr", "10.30.0.0/26", "/24 or larger"),
    ("bucket.soft_delete_days", 120, "less than or equal to 90"),
    ("local", {"key_file": "k.json"}, "only applies to platform 'local'"),
    ("surprise", 1, "unknown setting"),
]


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    BAD_VALUES,
    ids=[f"{f}={v!r}"[:60] for f, v, _ in BAD_VALUES],
)
def test_bad_value_names_file_field_value_and_rule(field: str, value: Any, rule: str) -> None:
    text = yaml.safe_dump(_set(DEV, field, value))
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
    longest = {**DEV, "project_id": "a" * 30, "prefix": "m" * 12}
    names = parse_settings(yaml.safe_dump(longest), env="e" * 8, source="x.yaml").names
    assert len(names.bucket) <= 63
    assert len(names.workload_sa_id) <= 30
    # ... and a derived name that breaks a service's rule names the inputs to change.
    text = yaml.safe_dump({**DEV, "prefix": "googleml"})
    with pytest.raises(ConfigError, match=r"derived name bucket: .*'google'.*prefix, environment"):
        parse_settings(text, env="dev", source="config/dev.yaml")


def test_local_platform_needs_its_section_and_a_public_ip() -> None:
    no_section = {**DEV, "platform": "local", "database": {"allow_public_ip": True}}
    with pytest.raises(ConfigError, match="needs a 'local' section"):
        parse_settings(yaml.safe_dump(no_section), env="local", source="x.yaml")
    private = {**DEV, "platform": "local", "local": {}}
    with pytest.raises(ConfigError, match="allow_public_ip: true"):
        parse_settings(yaml.safe_dump(private), env="local", source="x.yaml")


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("project_id: [unclosed", "not valid YAML"),
        ("- a\n- list\n", "top level must be a mapping"),
        ("project_id: p\n  bad: indent\n", "not valid YAML"),
        (yaml.safe_dump({**DEV, "environment": "prod"}), "set by the file name"),
    ],
)
def test_malformed_file(text: str, rule: str) -> None:
    with pytest.raises(ConfigError, match=rule):
        parse_settings(text, env="dev", source="config/dev.yaml")


@pytest.mark.parametrize(
    ("env", "rule"),
    [("staging", "no config file config/staging.yaml"), ("../dev", "DEPLOY_ENV"), ("Prod", "1-8")],
)
def test_unknown_or_invalid_deploy_env(env: str, rule: str) -> None:
    with pytest.raises(ConfigError, match=rule) as caught:
        load_settings(env)
    if "no config file" in rule:
        assert "known environments: dev, local" in str(caught.value)


def test_config_dir_can_live_outside_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "prod.yaml").write_text(yaml.safe_dump({**DEV, "project_id": "acme-ml-prod"}))
    monkeypatch.setenv("DEPLOY_CONFIG_DIR", str(tmp_path))
    assert load_settings("prod").names.bucket == "acme-ml-prod-mlflow-prod-artifacts"
