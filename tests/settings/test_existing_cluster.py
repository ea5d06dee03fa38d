"""platform gke-existing, the settings: what the team's cluster rules out, what Autopilot refuses
or lowers, and the example configs docs/environments.md lists."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, ConfigError, Settings, load_settings, parse_settings
from settings.advice import advice
from settings.workload import DEFAULT_RESOURCES

EXAMPLES = REPO_ROOT / "examples" / "config"
SHARED = yaml.safe_load((REPO_ROOT / "tests/configs/shared.yaml").read_text())
AUTOPILOT = yaml.safe_load((REPO_ROOT / "tests/configs/autopilot.yaml").read_text())


def _refused(data: dict[str, Any], phrase: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(yaml.safe_dump(data), env="t", source="t.yaml")
    assert phrase in str(caught.value), str(caught.value)


def test_existing_cluster_rules() -> None:
    _refused(
        {**SHARED, "cluster": {"machine_type": "e2-standard-4"}}, "on platform gke-existing use"
    )
    _refused({**SHARED, "network": {"pods_cidr": "10.16.0.0/14"}}, "existing_cluster.network")
    moved = {**SHARED["existing_cluster"], "location": "us-east1"}
    _refused({**SHARED, "existing_cluster": moved}, "must be the region 'europe-west3'")
    psa = {**SHARED["existing_cluster"], "private_services": {"cidr": "10.200.0.0/16"}}
    _refused({**SHARED, "existing_cluster": psa}, "range_name is required with create false")
    gke = {k: v for k, v in SHARED.items() if k != "platform"}
    _refused(gke, "only applies to platform gke-existing")
    bad = {**SHARED["existing_cluster"], "network": "projects/x/networks/y"}
    _refused({**SHARED, "existing_cluster": bad}, "projects/<host project>/global/networks")


def test_autopilot_resource_rules() -> None:
    greedy = {"server": {"requests": {"cpu": "500m", "memory": "8Gi"}, "limits": {"memory": "8Gi"}}}
    _refused({**AUTOPILOT, "server": {"resources": greedy}}, "memory per vCPU is")
    pool = {"cloud.google.com/gke-nodepool": "mlflow"}
    _refused(
        {**AUTOPILOT, "server": {**AUTOPILOT["server"], "node_selector": pool}}, "compute-class"
    )
    huge = {"server": {"requests": {"cpu": "40", "memory": "100Gi"}, "limits": {"memory": "100Gi"}}}
    _refused({**AUTOPILOT, "server": {"resources": huge}}, "Autopilot rejects more than 30 vCPU")


def test_autopilot_warns_about_limits_it_lowers(autopilot_settings: Settings) -> None:
    assert not [n for n in advice(autopilot_settings) if "Autopilot" in n]
    lax = parse_settings(
        yaml.safe_dump({**AUTOPILOT, "server": {}}), env="t", source="t.yaml"
    )  # the default sizes: memory limits above the requests
    (note,) = [n for n in advice(lax) if "Autopilot" in n]
    server = DEFAULT_RESOURCES["server"]
    assert (
        f"server memory limit {server['limits']['memory']} "
        f"(request {server['requests']['memory']})" in note
    )


@pytest.mark.parametrize("env", ["shared", "autopilot", "gkeautopilot"])
def test_the_example_configs_are_valid(env: str) -> None:
    settings = load_settings(env, folder=EXAMPLES)
    assert settings.existing_cluster is not None or settings.cluster.autopilot
    assert not [n for n in advice(settings) if "state_bucket" not in n]


@pytest.mark.parametrize(
    ("google_apis", "warned"), [("private", True), ("private-create", False), ("public", False)]
)
def test_auth_on_a_vpc_with_its_own_dns_needs_gstatic_too(google_apis: str, warned: bool) -> None:
    """The server fetches IAP's keys from www.gstatic.com: a VPC whose own zones route Google
    privately must route gstatic.com there too; the stack's zones (private-create) do."""
    data = copy.deepcopy(SHARED)
    data["existing_cluster"]["google_apis"] = google_apis
    data["auth"] = {"admins": ["lead@acme.example"]}
    settings = parse_settings(yaml.safe_dump(data), env="t", source="t.yaml")
    notes = [n for n in advice(settings) if "gstatic" in n]
    assert bool(notes) is warned, notes
    off = parse_settings(
        yaml.safe_dump({**data, "auth": {"enabled": False}}), env="t", source="t.yaml"
    )
    assert not [n for n in advice(off) if "gstatic" in n]
