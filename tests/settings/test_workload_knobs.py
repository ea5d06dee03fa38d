"""The knobs Helm-chart users expect, typed: each shows in the manifests, and bad ones are refused.

tests/configs/knobs.yaml sets every one; its manifests are also snapshotted, held to the
invariants and validated by kubernetes-validate and checkov with the other fixtures.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from settings import ConfigError, Settings, parse_settings
from settings.workload import DEFAULT_RESOURCES, quantity_value

Objects = dict[str, list[dict[str, Any]]]


def _all(objects: Objects) -> list[dict[str, Any]]:
    return [o for docs in objects.values() for o in docs]


def _one(objects: Objects, kind: str) -> dict[str, Any]:
    (found,) = [o for o in _all(objects) if o["kind"] == kind]
    return found


def _containers(objects: Objects) -> dict[str, dict[str, Any]]:
    pod = _one(objects, "Deployment")["spec"]["template"]["spec"]
    return {c["name"]: c for c in [*pod["initContainers"], *pod["containers"]]}


@pytest.fixture(scope="module")
def knobs(k8s_synth: Callable[[Settings], Objects], knobs_settings: Settings) -> Objects:
    return k8s_synth(knobs_settings)


@pytest.fixture(scope="module")
def gke(k8s_synth: Callable[[Settings], Objects], gke_settings: Settings) -> Objects:
    return k8s_synth(gke_settings)


BASE = {"project_id": "acme-ml-knobs", "region": "europe-west4"}


def _parse(server: dict[str, Any]) -> Settings:
    return parse_settings(yaml.safe_dump({**BASE, "server": server}), env="t", source="t.yaml")


def _refused(server: dict[str, Any], *phrases: str) -> str:
    with pytest.raises(ConfigError) as caught:
        _parse(server)
    message = str(caught.value)
    assert message.startswith(("t.yaml: server.", "t.yaml: server: ")), message
    for phrase in phrases:
        assert phrase in message, message
    return message


# --- resources ---------------------------------------------------------------------------------


def test_default_sizes_are_the_measured_ones(gke: Objects) -> None:
    containers = _containers(gke)
    for container, name in (("db-migrate", "migrate"), ("cloud-sql-proxy", "proxy")):
        assert containers[container]["resources"] == DEFAULT_RESOURCES[name], container
    # The server's ephemeral-storage follows server.artifact_transfers (test_artifact_transfers).
    server = containers["mlflow"]["resources"]
    assert {k: v for k, v in server["requests"].items() if k != "ephemeral-storage"} == (
        DEFAULT_RESOURCES["server"]["requests"]
    )
    assert {k: v for k, v in server["limits"].items() if k != "ephemeral-storage"} == (
        DEFAULT_RESOURCES["server"]["limits"]
    )
    assert DEFAULT_RESOURCES["server"] == {
        "requests": {"cpu": "250m", "memory": "768Mi"},
        "limits": {"memory": "1Gi"},
    }


def test_resources_merge_into_the_defaults(knobs: Objects) -> None:
    containers = _containers(knobs)
    assert containers["mlflow"]["resources"] == {
        "requests": {"cpu": "1", "ephemeral-storage": "5Gi", "memory": "1Gi"},
        "limits": {"ephemeral-storage": "6Gi", "memory": "2Gi"},
    }
    # Only the proxy's memory limit was given: its requests stay the defaults.
    assert containers["cloud-sql-proxy"]["resources"] == {
        "requests": DEFAULT_RESOURCES["proxy"]["requests"],
        "limits": {"memory": "128Mi"},
    }


@pytest.mark.parametrize(
    ("resources", "phrases"),
    [
        ({"server": {"limits": {"memory": "256Mi"}}}, ["limits.memory 256Mi is below requests"]),
        ({"server": {"requests": {"memory": "lots"}}}, ["not a Kubernetes quantity"]),
        ({"proxy": {"requests": {"gpu": "1"}}}, ["resource 'gpu' must be one of"]),
        ({"sidecar": {}}, ["sidecar", "unknown setting"]),
    ],
)
def test_bad_resources_are_refused(resources: dict[str, Any], phrases: list[str]) -> None:
    _refused({"resources": resources}, *phrases)


def test_quantities_compare_across_suffixes() -> None:
    assert quantity_value("1Gi") == quantity_value("1024Mi")
    assert quantity_value("250m") < quantity_value("1")


# --- autoscaling and the PodDisruptionBudget ----------------------------------------------------


def test_autoscaler_owns_the_replica_count(knobs: Objects, gke: Objects) -> None:
    deployment = _one(knobs, "Deployment")
    assert "replicas" not in deployment["spec"]  # `kubectl apply` must not reset the HPA
    hpa = _one(knobs, "HorizontalPodAutoscaler")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 8)
    targets = {
        m["resource"]["name"]: m["resource"]["target"]["averageUtilization"]
        for m in hpa["spec"]["metrics"]
    }
    assert targets == {"cpu": 60, "memory": 80}
    pdb = _one(knobs, "PodDisruptionBudget")
    assert pdb["spec"]["maxUnavailable"] == 1  # min 2: a drain always leaves one pod serving
    assert not [o for o in _all(gke) if o["kind"] == "HorizontalPodAutoscaler"]


def test_autoscaling_rules() -> None:
    _refused(
        {"replicas": 3, "autoscaling": {"enabled": True}},
        "the HorizontalPodAutoscaler owns the replica count",
    )
    _refused({"autoscaling": {"min_replicas": 5, "max_replicas": 2}}, "below min_replicas")
    _refused(
        {"autoscaling": {"enabled": True, "cpu_utilization": None}},
        "set cpu_utilization or memory_utilization",
    )
    _refused({"autoscaling": {"cpu_utilization": 150}}, "must be at most 100, got 150")


# --- scheduling ----------------------------------------------------------------------------------


def test_scheduling_reaches_the_pod(knobs: Objects, knobs_settings: Settings) -> None:
    pod = _one(knobs, "Deployment")["spec"]["template"]["spec"]
    assert pod["nodeSelector"] == {"cloud.google.com/gke-nodepool": "mlk-knobs-pool"}
    assert pod["tolerations"] == [
        {"effect": "NoSchedule", "key": "dedicated", "operator": "Equal", "value": "mlflow"},
        {
            "effect": "NoExecute",
            "key": "node.kubernetes.io/unreachable",
            "operator": "Exists",
            "tolerationSeconds": 60,
        },
    ]
    assert pod["affinity"] == knobs_settings.server.affinity  # as written, camelCase
    (spread,) = pod["topologySpreadConstraints"]
    assert spread["topologyKey"] == "topology.kubernetes.io/zone"
    assert (spread["maxSkew"], spread["whenUnsatisfiable"]) == (2, "DoNotSchedule")


def test_default_spread_is_zones_then_nodes_as_a_preference(gke: Objects) -> None:
    pod = _one(gke, "Deployment")["spec"]["template"]["spec"]
    assert [c["topologyKey"] for c in pod["topologySpreadConstraints"]] == [
        "topology.kubernetes.io/zone",
        "kubernetes.io/hostname",
    ]
    assert {c["whenUnsatisfiable"] for c in pod["topologySpreadConstraints"]} == {"ScheduleAnyway"}
    assert "nodeSelector" not in pod
    assert "tolerations" not in pod
    assert "affinity" not in pod


def test_bad_scheduling_is_refused() -> None:
    _refused({"affinity": {"nodeAfinity": {"x": 1}}}, "unknown affinity kind 'nodeAfinity'")
    _refused({"tolerations": [{"operator": "Exists", "value": "x"}]}, "Exists takes no value")
    _refused({"tolerations": [{"value": "x"}]}, "Equal needs a key")
    _refused({"node_selector": {"bad key!": "x"}}, "Kubernetes label key")


# --- env, args, annotations, labels, log level ----------------------------------------------------


def test_env_args_labels_annotations_and_log_level(knobs: Objects) -> None:
    (cm,) = [o for o in _all(knobs) if o["metadata"]["name"] == "mlflow-server-config"]
    data = cm["data"]
    assert data["MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"] == "10"
    assert data["MLFLOW_LOGGING_LEVEL"] == "WARNING"
    assert data["MLFLOW_UVICORN_OPTS"] == "--log-level warning --no-proxy-headers"
    assert _containers(knobs)["mlflow"]["args"] == ["server", "--secrets-cache-ttl=60"]
    meta = _one(knobs, "Deployment")["spec"]["template"]["metadata"]
    assert meta["labels"]["team"] == "research"
    assert meta["annotations"]["cluster-autoscaler.kubernetes.io/safe-to-evict"] == "true"
    assert "checksum/config" in meta["annotations"]
    selector = _one(knobs, "Deployment")["spec"]["selector"]["matchLabels"]
    assert "team" not in selector  # extra labels never change what selects the pods


@pytest.mark.parametrize(
    ("server", "phrases"),
    [
        ({"extra_env": {"MLFLOW_PORT": "1"}}, ["MLFLOW_PORT is set by the project: server.port"]),
        ({"extra_env": {"AWS_SECRET_ACCESS_KEY": "x"}}, ["looks like a credential"]),
        ({"extra_env": {"1BAD": "x"}}, ["environment variable name"]),
        ({"extra_args": ["--port=8000"]}, ["--port is set by the project: server.port"]),
        ({"extra_args": ["--backend-store-uri", "x"]}, ["--backend-store-uri is set by"]),
        ({"extra_args": ["--static-prefix=/m"]}, ["/health"]),
        ({"extra_args": ["workers"]}, ["as --name or --name=value"]),
        ({"pod_labels": {"app.kubernetes.io/name": "x"}}, ["labels are the project's"]),
        ({"pod_annotations": {"checksum/config": "x"}}, ["rolls the pods"]),
        ({"log_level": "TRACE"}, ["'DEBUG'"]),
    ],
)
def test_the_projects_own_settings_are_refused_with_the_reason(
    server: dict[str, Any], phrases: list[str]
) -> None:
    _refused(server, *phrases)


def test_the_log_level_is_read_in_any_case() -> None:
    assert _parse({"log_level": "debug"}).server.log_level.value == "DEBUG"


def test_every_configmap_key_is_one_the_settings_know(gke: Objects, knobs: Objects) -> None:
    """extra_env can refuse the project's names only if the list is complete."""
    from settings.server_options import OWNED_ENV

    for objects in (gke, knobs):
        (cm,) = [o for o in _all(objects) if o["metadata"]["name"] == "mlflow-server-config"]
        project_keys = set(cm["data"]) - {"MLFLOW_SQLALCHEMYSTORE_POOL_SIZE"}
        assert project_keys <= set(OWNED_ENV), sorted(project_keys - set(OWNED_ENV))


def test_owned_options_are_real_mlflow_server_options() -> None:
    """A renamed MLflow option would make the refusal list stale: it must name real ones."""
    from mlflow.cli import server

    from settings.server_options import OWNED_OPTIONS

    known = {opt for param in server.params for opt in (*param.opts, *param.secondary_opts)}
    assert set(OWNED_OPTIONS) <= known, sorted(set(OWNED_OPTIONS) - known)
