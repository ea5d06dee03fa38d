"""Config mistakes a new team makes, each refused (or warned about) with its exact message:
duplicate YAML keys, a .yml file, a host that is no fully qualified name, principals of the
wrong form or listed twice, a duplicate CIDR, a pod no node can hold, a node_selector that
matches no node. (Unlisted regions, zones and machine types: test_advice.py.)"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, ConfigError, load_settings, parse_settings
from settings.similar import closest, closest_letter, edit_distance

GKE: dict[str, Any] = yaml.safe_load((REPO_ROOT / "tests/configs/gke.yaml").read_text())


def _error(data: dict[str, Any] | str) -> str:
    text = data if isinstance(data, str) else yaml.safe_dump(data)
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, env="dev", source="config/dev.yaml")
    return str(caught.value)


def _with(path: str, value: object) -> dict[str, Any]:
    data = copy.deepcopy(GKE)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value
    return data


# --- duplicate keys ------------------------------------------------------------------------


def test_a_second_top_level_section_is_refused_with_its_line() -> None:
    text = (REPO_ROOT / "tests/configs/gke.yaml").read_text() + "\ningress:\n  host: b.example\n"
    first = text.splitlines().index("ingress:") + 1
    last = len(text.splitlines()) - 1
    assert _error(text) == (
        f"config/dev.yaml: line {last} column 1: key 'ingress' is already set on line {first}; "
        "YAML would keep only the last one: merge the two into one"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "server:\n  resources:\n    server:\n      requests:\n        cpu: 1\n        cpu: 2\n",
            "config/dev.yaml: line 6 column 9: key 'server.resources.server.requests.cpu' is "
            "already set on line 5",
        ),
        (
            "server:\n  tolerations:\n    - {key: a, key: b}\n",
            "config/dev.yaml: line 3 column 16: key 'server.tolerations[0].key' is already set "
            "on line 3",
        ),
    ],
)
def test_duplicate_keys_are_refused_at_any_depth(text: str, message: str) -> None:
    assert _error(text) == message + "; YAML would keep only the last one: merge the two into one"


def test_merge_keys_and_aliases_are_no_duplicates() -> None:
    text = yaml.safe_dump(GKE) + "x-base: &base {cpu: 250m}\n"
    assert "already set" not in _error(text)  # refused for the unknown key, not a duplicate


def test_a_yml_file_is_refused_with_the_rename(tmp_path: Path) -> None:
    (tmp_path / "stage.yml").write_text(yaml.safe_dump(GKE))
    with pytest.raises(ConfigError) as caught:
        load_settings("stage", folder=tmp_path)
    shown = tmp_path / "stage.yml"
    assert str(caught.value) == (
        f"{shown}: config files end in .yaml: rename it to stage.yaml "
        f"(git mv {shown} {tmp_path / 'stage.yaml'})"
    )


# --- hosts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "message"),
    [
        (
            "https://mlflow.acme.example",
            "'https://mlflow.acme.example' must be a host name, not a URL: drop https://",
        ),
        (
            "https://mlflow.acme.example/ui",
            "'https://mlflow.acme.example/ui' must be a host name, not a URL: drop https:// "
            "and the path",
        ),
        (
            "mlflow.acme.example:443",
            "'mlflow.acme.example:443' must be a host name alone: no port or path",
        ),
        (
            "mlflow",
            "'mlflow' must be a fully qualified name with a dot (mlflow.example.com): Google's "
            "managed certificate is issued for a public DNS name only",
        ),
    ],
)
def test_the_ingress_host_is_a_fully_qualified_name(host: str, message: str) -> None:
    assert _error(_with("ingress.host", host)) == f"config/dev.yaml: ingress.host: {message}"


# --- principals ----------------------------------------------------------------------------

WORKFORCE = "iam.googleapis.com/locations/global/workforcePools/entra-pool"
WORKLOAD = "iam.googleapis.com/projects/987654321098/locations/global/workloadIdentityPools/ci-pool"
DOCS = "https://cloud.google.com/iam/docs/principal-identifiers"


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (
            "user:jane.doe",
            "'user:jane.doe': a user: member needs an email address with a domain "
            "(user:jane.doe@example.com)",
        ),
        (
            "group:ml-team@acme",
            "'group:ml-team@acme': a group: member needs an email address with a domain "
            "(group:ml-team@example.com)",
        ),
        (
            "serviceAccount:ci",
            "'serviceAccount:ci': a serviceAccount: member needs an email address with a domain "
            "(serviceAccount:ci@my-project.iam.gserviceaccount.com)",
        ),
        ("domain:acme", "'domain:acme': a domain: member needs a domain name (domain:example.com)"),
        (
            "principal://iam.googleapis.com/oops",
            "'principal://iam.googleapis.com/oops' is not a principal:// identifier IAM accepts: "
            "use principal://iam.googleapis.com/locations/global/workforcePools/POOL_ID/subject/"
            "SUBJECT (a workforce identity) or principal://iam.googleapis.com/projects/"
            "PROJECT_NUMBER/locations/global/workloadIdentityPools/POOL_ID/subject/SUBJECT "
            f"({DOCS})",
        ),
        (
            f"principalSet://{WORKFORCE}/groups/x",
            f"'principalSet://{WORKFORCE}/groups/x' is not a principalSet:// identifier IAM "
            "accepts: use principalSet://iam.googleapis.com/locations/global/workforcePools/"
            "POOL_ID/group/GROUP_ID, .../attribute.NAME/VALUE or .../* (workforce; workload "
            "identity pools: projects/PROJECT_NUMBER/locations/global/"  # pragma: allowlist secret
            "workloadIdentityPools/"
            f"POOL_ID/...) ({DOCS})",
        ),
        (
            "principal://iam.googleapis.com/locations/global/workforcePools/ab/subject/x",
            "'principal://iam.googleapis.com/locations/global/workforcePools/ab/subject/x': the "
            "workforce pool id 'ab' must be 6-63 lowercase letters, digits, hyphens; starts with "
            "a letter, does not end with a hyphen",
        ),
        (
            "usr:jane@acme.example",
            "'usr:jane@acme.example' must start with one of user:, group:, serviceAccount:, "
            f"domain:, principal://, principalSet:// (did you mean 'user:'?) ({DOCS})",
        ),
        (
            "allAuthenticatedUsers",
            "'allAuthenticatedUsers' would make MLflow public: name groups, users or principals",
        ),
    ],
)
def test_members_are_checked_by_type(member: str, message: str) -> None:
    assert _error(_with("ingress.iap_members", [member])) == (
        f"config/dev.yaml: ingress.iap_members.0: {message}"
    )


@pytest.mark.parametrize(
    "member",
    [
        "user:jane.doe@acme.example",
        "serviceAccount:ci@acme-ml-platform.iam.gserviceaccount.com",
        "serviceAccount:acme-ml-platform.svc.id.goog[pipelines/runner]",
        "domain:acme.example",
        f"principal://{WORKFORCE}/subject/jane@acme.example",
        f"principalSet://{WORKFORCE}/group/7c1f3e2a-94b8-4d6e-a0c5-3b9d8e1f6a27",
        f"principalSet://{WORKFORCE}/attribute.department/ml",
        f"principalSet://{WORKFORCE}/*",
        f"principal://{WORKLOAD}/subject/repo:acme/ml:ref:refs/heads/main",
        f"principalSet://{WORKLOAD}/attribute.repository/acme/ml",
    ],
)
def test_the_documented_forms_are_accepted(member: str) -> None:
    settings = parse_settings(
        yaml.safe_dump(_with("ingress.iap_members", [member])), env="dev", source="t"
    )
    assert settings.ingress.iap_members == (member,)


@pytest.mark.parametrize("field", ["ingress.iap_members", "registry.writers", "registry.builders"])
def test_a_principal_listed_twice_is_refused(field: str) -> None:
    members = ["group:ml@acme.example", "user:Jane@acme.example", "user:jane@acme.example"]
    assert _error(_with(field, members)) == (
        f"config/dev.yaml: {field}: 'user:jane@acme.example' is listed twice (as "
        "'user:Jane@acme.example'), entries 2 and 3: list each principal once"
    )


def test_near_duplicates_are_two_principals() -> None:
    members = ["user:jane.doe@acme.example", "user:jane-doe@acme.example"]
    settings = parse_settings(
        yaml.safe_dump(_with("ingress.iap_members", members)), env="dev", source="t"
    )
    assert settings.ingress.iap_members == tuple(members)


# --- networks ------------------------------------------------------------------------------


def test_a_duplicate_authorized_cidr_is_refused() -> None:
    cidrs = ["198.51.100.0/24", "192.0.2.16/28", "198.51.100.0/24"]
    assert _error(_with("network.master_authorized_cidrs", cidrs)) == (
        "config/dev.yaml: network: master_authorized_cidrs lists '198.51.100.0/24' twice: "
        "list each range once"
    )


# --- what the nodes can hold ---------------------------------------------------------------


def _on_e2_standard_2(server: dict[str, Any]) -> dict[str, Any]:
    data = _with("cluster.machine_type", "e2-standard-2")
    data["server"] = {**data["server"], **server}
    return data


def test_a_pod_no_node_can_hold_is_refused() -> None:
    big = {"resources": {"server": {"requests": {"cpu": "4"}}}}
    assert _error(_on_e2_standard_2(big)) == (
        "config/dev.yaml: the server's pod requests 4.05 vCPU and 0.78 GiB, and one "
        "e2-standard-2 node (2 vCPU, 8 GiB) leaves 1.53 vCPU and 5.52 GiB for it after GKE's "
        "reservations and system pods: no node can hold it (it would stay Pending); choose a "
        "larger cluster.machine_type (such as e2-standard-8) or lower server.resources requests"
    )


def test_memory_counts_too_and_what_fits_passes() -> None:
    heavy = {"resources": {"server": {"requests": {"memory": "6Gi"}, "limits": {"memory": "6Gi"}}}}
    assert "requests 0.3 vCPU and 6.03 GiB" in _error(_on_e2_standard_2(heavy))
    fits = {
        "resources": {
            "server": {"requests": {"cpu": "1400m", "memory": "4Gi"}, "limits": {"memory": "4Gi"}}
        }
    }
    data = _on_e2_standard_2(fits)
    assert parse_settings(yaml.safe_dump(data), env="dev", source="t").cluster.machine_type


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (
            {"cloud.google.com/gke-nodepool": "gpu-pool"},
            "server.node_selector cloud.google.com/gke-nodepool: 'gpu-pool' names a node pool "
            "the stack does not create (it creates 'mlf-dev-pool')",
        ),
        (
            {"node.kubernetes.io/instance-type": "n2-standard-8"},
            "server.node_selector node.kubernetes.io/instance-type: 'n2-standard-8' is not the "
            "pool's machine type (cluster.machine_type 'e2-standard-4')",
        ),
        (
            {"cloud.google.com/gke-spot": "true"},
            "server.node_selector cloud.google.com/gke-spot: 'true' asks for Spot nodes, and the "
            "pool has none (cluster.spot is false)",
        ),
    ],
)
def test_a_node_selector_no_node_matches_is_refused(selector: dict[str, str], message: str) -> None:
    assert _error(_with("server.node_selector", selector)) == (
        f"config/dev.yaml: {message}: no node would match and the pods would stay Pending"
    )


def test_the_stacks_own_pool_may_be_selected() -> None:
    data = _with("server.node_selector", {"cloud.google.com/gke-nodepool": "mlf-dev-pool"})
    assert parse_settings(yaml.safe_dump(data), env="dev", source="t").server.node_selector


# --- the similarity rule of suggestions ----------------------------------------------------


def test_edit_distance_counts_a_swap_as_one() -> None:
    assert edit_distance("standrad", "standard") == 1
    assert edit_distance("europe-wst1", "europe-west1") == 1
    assert edit_distance("abc", "abc") == 0


@pytest.mark.parametrize(
    ("name", "known", "expected"),
    [
        ("e2-standard-3", ["e2-standard-2", "e2-standard-32"], None),  # a size, not a typo
        ("e2-standrad-4", ["e2-standard-4", "e2-standard-8"], "e2-standard-4"),
        ("europe-west7", ["europe-west1", "europe-west4"], None),  # another place
        ("eurpoe-west1", ["europe-west1", "europe-west4"], "europe-west1"),
        ("us-cnrl1", ["us-central1"], None),  # three edits: too far
        ("eu", ["us", "eu1"], None),  # short names: one edit at most, and the same numbers
    ],
)
def test_a_suggestion_only_when_close(name: str, known: list[str], expected: str | None) -> None:
    assert closest(name, known) == expected


def test_the_closest_real_zone_is_the_nearest_letter() -> None:
    zones = ["europe-west1-b", "europe-west1-c", "europe-west1-d"]
    assert closest_letter("europe-west1-a", zones) == "europe-west1-b"
    assert closest_letter("europe-west1-z", zones) == "europe-west1-d"
