"""platform gke-existing: MLflow in a GKE cluster the team already runs (Standard in a shared
VPC, or Autopilot), creating only what MLflow needs and checking the cluster at plan time."""

from __future__ import annotations

import copy
import ipaddress
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, ConfigError, Settings, load_settings, parse_settings
from settings.advice import advice
from settings.existing_cluster import GoogleApisRoute
from settings.workload import DEFAULT_RESOURCES

Doc = dict[str, Any]
Objects = dict[str, list[dict[str, Any]]]
EXAMPLES = REPO_ROOT / "examples" / "config"


@pytest.fixture(scope="module")
def shared(tf_synth: Callable[[Settings], Doc], shared_settings: Settings) -> Doc:
    return tf_synth(shared_settings)


@pytest.fixture(scope="module")
def auto(tf_synth: Callable[[Settings], Doc], autopilot_settings: Settings) -> Doc:
    return tf_synth(autopilot_settings)


def _res(doc: Doc, type_: str) -> dict[str, dict[str, Any]]:
    return dict(doc.get("resource", {}).get(type_, {}))


def _data(doc: Doc, type_: str) -> dict[str, dict[str, Any]]:
    return dict(doc.get("data", {}).get(type_, {}))


# --- Terraform: only what MLflow needs ---------------------------------------------------------


@pytest.mark.parametrize("env", ["shared", "auto"])
def test_no_network_cluster_or_node_pool_is_created(
    env: str, request: pytest.FixtureRequest
) -> None:
    doc = request.getfixturevalue(env)
    for type_ in (
        "google_compute_network",
        "google_compute_subnetwork",
        "google_compute_router",
        "google_compute_router_nat",
        "google_container_cluster",
        "google_container_node_pool",
    ):
        assert not _res(doc, type_), type_
    for type_ in (
        "google_sql_database_instance",
        "google_storage_bucket",
        "google_compute_global_address",
    ):
        assert _res(doc, type_), type_


def test_the_cluster_is_checked_at_plan_time_with_the_fix(
    shared: Doc, shared_settings: Settings
) -> None:
    (cluster,) = _data(shared, "google_container_cluster").values()
    existing = shared_settings.existing_cluster
    assert existing is not None
    assert (cluster["name"], cluster["location"], cluster["project"]) == (
        existing.name,
        existing.location,
        shared_settings.cluster_project,
    )
    checks = {c["condition"]: c["error_message"] for c in cluster["lifecycle"]["postcondition"]}
    pool = f"{shared_settings.cluster_project}.svc.id.goog"
    expected = {
        "workload_identity_config": f"--workload-pool={pool}",
        "secret_manager_config": "--enable-secret-manager",
        "http_load_balancing": "HttpLoadBalancing=ENABLED",
        "managed_prometheus": "--enable-managed-prometheus",
        "ADVANCED_DATAPATH": "--enable-network-policy",
        "self.enable_autopilot == false": "existing_cluster.autopilot",
        "shared-vpc": "existing_cluster.network",
    }
    for needle, fix in expected.items():
        (message,) = [m for c, m in checks.items() if needle in c]
        assert fix in message, message
        assert message.startswith("cluster platform-gke (europe-west3, project acme-ml-svc) lacks")


def test_an_autopilot_cluster_needs_no_network_policy_check(auto: Doc) -> None:
    (cluster,) = _data(auto, "google_container_cluster").values()
    conditions = [c["condition"] for c in cluster["lifecycle"]["postcondition"]]
    assert "${self.enable_autopilot == true}" in conditions
    assert not [c for c in conditions if "ADVANCED_DATAPATH" in c]  # always Dataplane V2


def test_a_shared_vpcs_existing_range_is_checked_not_created(
    shared: Doc, shared_settings: Settings
) -> None:
    assert not _res(shared, "google_service_networking_connection")
    (address,) = _data(shared, "google_compute_global_address").values()
    assert (address["name"], address["project"]) == (
        "google-managed-services-shared-vpc",
        "acme-net-host",
    )
    conditions = " ".join(c["condition"] for c in address["lifecycle"]["postcondition"])
    assert 'self.address == "10.200.0.0" && self.prefix_length == 16' in conditions
    (network,) = _data(shared, "google_compute_network").values()
    assert (network["name"], network["project"]) == ("shared-vpc", "acme-net-host")
    (sql,) = _res(shared, "google_sql_database_instance").values()
    ip = sql["settings"]["ip_configuration"]
    assert ip["private_network"].startswith("${data.google_compute_network.")
    assert ip["allocated_ip_range"] == "google-managed-services-shared-vpc"
    assert ip["ipv4_enabled"] is False


def test_a_vpc_without_private_services_access_gets_one_it_owns(auto: Doc) -> None:
    (psa,) = _res(auto, "google_service_networking_connection").values()
    assert psa["deletion_policy"] == "ABANDON"
    (cleanup,) = _res(auto, "terraform_data").values()
    assert cleanup["input"] == {"network": "apps-vpc", "project": "acme-ml-auto"}
    ranges = [a for a in _res(auto, "google_compute_global_address").values() if a.get("purpose")]
    (reserved,) = ranges
    assert (reserved["address"], reserved["prefix_length"]) == ("10.210.0.0", 20)
    zones = _res(auto, "google_dns_managed_zone").values()  # google_apis: private-create
    assert sorted(z["dns_name"] for z in zones) == ["googleapis.com.", "gstatic.com."]


def test_identity_edge_and_pulls_live_where_the_cluster_is(
    shared: Doc, shared_settings: Settings
) -> None:
    names = shared_settings.names
    grants = _res(shared, "google_service_account_iam_member").values()
    (wi,) = [g for g in grants if g["role"] == "roles/iam.workloadIdentityUser"]
    assert wi["member"] == "serviceAccount:acme-ml-svc.svc.id.goog[mls-shared/mlflow-server]"
    for type_ in ("google_compute_global_address", "google_compute_ssl_policy"):
        for r in _res(shared, type_).values():
            if r.get("address_type") == "EXTERNAL" or type_ == "google_compute_ssl_policy":
                assert r["project"] == shared_settings.cluster_project
    for r in _res(shared, "google_iap_web_iam_member").values():
        assert r["project"] == shared_settings.cluster_project
    readers = [
        g["member"]
        for g in _res(shared, "google_artifact_registry_repository_iam_member").values()
        if g["role"] == "roles/artifactregistry.reader"
    ]
    assert readers == ["serviceAccount:platform-nodes@acme-ml-svc.iam.gserviceaccount.com"]
    assert names.cluster == "platform-gke"


# --- Kubernetes: the same manifests, pointed at the team's ranges ------------------------------


def test_the_manifests_are_gkes_with_the_teams_ranges(
    k8s_synth: Callable[[Settings], Objects], shared_settings: Settings, gke_settings: Settings
) -> None:
    objects = [o for docs in k8s_synth(shared_settings).values() for o in docs]
    gke = [o for docs in k8s_synth(gke_settings).values() for o in docs]
    assert sorted(o["kind"] for o in objects) == sorted(o["kind"] for o in gke)
    (policy,) = [
        o
        for o in objects
        if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == shared_settings.names.service
    ]
    cidrs = {
        p["ipBlock"]["cidr"]
        for rule in policy["spec"]["egress"]
        for p in rule.get("to", [])
        if "ipBlock" in p
    }
    assert "10.200.0.0/16" in cidrs  # Cloud SQL, in the shared VPC's existing range
    (cm,) = [o for o in objects if o["metadata"]["name"] == "mlflow-server-config"]
    pod_ip = str(next(ipaddress.ip_network("10.128.0.0/14").hosts()))
    from mlflow.server.security_utils import is_allowed_host_header

    assert is_allowed_host_header(
        cm["data"]["MLFLOW_SERVER_ALLOWED_HOSTS"].split(","), f"{pod_ip}:5000"
    )


def test_public_google_apis_open_https_outside_the_private_ranges(
    k8s_synth: Callable[[Settings], Objects], shared_settings: Settings
) -> None:
    existing = shared_settings.existing_cluster
    assert existing is not None
    public = shared_settings.model_copy(
        update={
            "existing_cluster": existing.model_copy(update={"google_apis": GoogleApisRoute.PUBLIC})
        }
    )
    objects = [o for docs in k8s_synth(public).values() for o in docs]
    (policy,) = [
        o
        for o in objects
        if o["kind"] == "NetworkPolicy" and o["metadata"]["name"] == shared_settings.names.service
    ]
    blocks = [
        p["ipBlock"]
        for rule in policy["spec"]["egress"]
        for p in rule.get("to", [])
        if "ipBlock" in p
    ]
    (anywhere,) = [b for b in blocks if b["cidr"] == "0.0.0.0/0"]
    assert set(anywhere["except"]) == {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"}


# --- settings -----------------------------------------------------------------------------------


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


@pytest.mark.parametrize("env", ["shared", "autopilot"])
def test_the_example_configs_are_valid(env: str) -> None:
    settings = load_settings(env, folder=EXAMPLES)
    assert settings.existing_cluster is not None
    assert not [n for n in advice(settings) if "state_bucket" not in n]


@pytest.mark.integration
def test_credentials_and_context_name_the_teams_cluster(shared_settings: Settings) -> None:
    out = subprocess.run(
        [
            "make",
            "-s",
            "-n",
            "-o",
            ".venv/.synth-installed",
            "credentials",
            "apply",
            "DEPLOY_ENV=shared",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "DEPLOY_CONFIG_DIR": str(REPO_ROOT / "tests/configs")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.replace("\\\n", " ")
    flat = " ".join(out.split())
    assert "get-credentials platform-gke --location=europe-west3 --project=acme-ml-svc" in flat
    assert f"kubectl --context {shared_settings.kube_context} apply -f dist/shared" in flat
    assert Path(REPO_ROOT / "dist").is_dir()


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
