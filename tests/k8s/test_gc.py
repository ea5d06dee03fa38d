"""The garbage-collection CronJob (chart 50-gc) and its NetworkPolicy, from the settings.

tests/e2e/test_gc.py runs its pod as written; the properties here hold for every platform.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from settings import ConfigError, Settings, parse_settings

Objects = dict[str, list[dict[str, Any]]]
Synth = Callable[[Settings], Objects]
BASE = {"project_id": "acme-ml-gc", "region": "europe-west4"}


def _parse(gc: dict[str, Any]) -> Settings:
    text = yaml.safe_dump({**BASE, "garbage_collection": gc})
    return parse_settings(text, env="t", source="t.yaml")


def _all(objects: Objects) -> list[dict[str, Any]]:
    return [o for docs in objects.values() for o in docs]


def _cron(objects: Objects) -> dict[str, Any]:
    (cron,) = objects["50-gc"]
    assert cron["kind"] == "CronJob"
    return cron


def _pod(objects: Objects) -> dict[str, Any]:
    return dict(_cron(objects)["spec"]["jobTemplate"]["spec"]["template"]["spec"])


def _server_pod(objects: Objects) -> dict[str, Any]:
    (deployment,) = [o for o in _all(objects) if o["kind"] == "Deployment"]
    return dict(deployment["spec"]["template"]["spec"])


@pytest.fixture(params=["gke", "local", "keyed"])
def env(request: pytest.FixtureRequest, k8s_synth: Synth) -> tuple[Settings, Objects]:
    settings = request.getfixturevalue(f"{request.param}_settings")
    return settings, k8s_synth(settings)


def test_the_schedule_age_deadline_and_history_come_from_the_settings(
    env: tuple[Settings, Objects],
) -> None:
    settings, objects = env
    gc = settings.garbage_collection
    cron = _cron(objects)
    spec = cron["spec"]
    assert cron["metadata"]["name"] == "mlflow-server-gc"
    assert (spec["schedule"], spec["timeZone"]) == (gc.schedule, gc.time_zone)
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["suspend"] is False
    assert spec["successfulJobsHistoryLimit"] == gc.successful_jobs_history
    assert spec["failedJobsHistoryLimit"] == gc.failed_jobs_history
    assert spec["startingDeadlineSeconds"] > 0
    job = spec["jobTemplate"]["spec"]
    assert job["activeDeadlineSeconds"] == gc.deadline_seconds
    assert job["backoffLimit"] == 1
    (container,) = _pod(objects)["containers"]
    assert container["args"] == ["gc", f"--older-than={gc.older_than}"]


def test_the_pod_is_the_servers_without_the_server(env: tuple[Settings, Objects]) -> None:
    """The same identity, ConfigMap, secrets volume, credentials and proxy sidecar."""
    _, objects = env
    pod, server = _pod(objects), _server_pod(objects)
    assert pod["serviceAccountName"] == server["serviceAccountName"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["restartPolicy"] == "Never"
    assert pod["securityContext"] == server["securityContext"]
    (sidecar,) = pod["initContainers"]
    assert sidecar == server["initContainers"][0]  # the proxy, a native sidecar, as written
    assert sidecar["restartPolicy"] == "Always"
    (gc,) = pod["containers"]
    mlflow = next(c for c in server["containers"] if c["name"] == "mlflow")
    assert gc["image"] == mlflow["image"]
    assert gc["command"] == mlflow["command"] == ["mlflow-entrypoint"]
    assert gc["envFrom"] == mlflow["envFrom"]
    # GOOGLE_APPLICATION_CREDENTIALS off GKE; the server alone has POD_IP (its allowed hosts).
    server_env = [e for e in mlflow.get("env", []) if e["name"] != "POD_IP"]
    assert gc.get("env", []) == server_env
    assert gc["securityContext"] == mlflow["securityContext"]
    assert gc["volumeMounts"] == mlflow["volumeMounts"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    server_volumes = {v["name"]: v for v in server["volumes"]}
    assert set(volumes) == set(server_volumes)
    for name in set(volumes) - {"tmp"}:
        assert volumes[name] == server_volumes[name], name
    assert volumes["tmp"]["emptyDir"] == {"sizeLimit": "256Mi"}  # gc spools no artifact


def test_no_service_pdb_or_scrape_selects_the_gc_pods(env: tuple[Settings, Objects]) -> None:
    _, objects = env
    labels = _cron(objects)["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    assert labels["app.kubernetes.io/component"] == "garbage-collection"
    for o in _all(objects):
        selector = o.get("spec", {}).get("selector", {})
        selector = selector.get("matchLabels", selector) if isinstance(selector, dict) else {}
        if o["kind"] in {"Service", "PodDisruptionBudget", "PodMonitoring"} and selector:
            assert not all(labels.get(k) == v for k, v in selector.items()), o["kind"]


def test_the_gc_pods_admit_nothing_and_reach_what_the_server_reaches(
    env: tuple[Settings, Objects],
) -> None:
    _, objects = env
    policies = {
        o["metadata"]["name"]: o["spec"] for o in _all(objects) if o["kind"] == "NetworkPolicy"
    }
    gc, server = policies["mlflow-server-gc"], policies["mlflow-server"]
    assert gc["podSelector"]["matchLabels"]["app.kubernetes.io/component"] == "garbage-collection"
    assert gc["policyTypes"] == ["Ingress", "Egress"]
    assert "ingress" not in gc  # default deny: nothing calls gc
    assert gc["egress"] == server["egress"]


def test_disabled_suspends_it_and_keeps_it_for_a_run_by_hand(k8s_synth: Synth) -> None:
    settings = _parse({"enabled": False, "schedule": "@weekly", "older_than": "7d12h"})
    objects = k8s_synth(settings)
    spec = _cron(objects)["spec"]
    assert spec["suspend"] is True
    assert spec["schedule"] == "@weekly"
    (container,) = _pod(objects)["containers"]
    assert container["args"] == ["gc", "--older-than=7d12h"]


@pytest.mark.parametrize(
    ("gc", "phrases"),
    [
        ({"schedule": "every night"}, ["garbage_collection.schedule", "not a cron schedule"]),
        ({"schedule": "0 3 * *"}, ["five fields"]),
        ({"older_than": "30 days"}, ["garbage_collection.older_than", "30d, 12h, 1d12h"]),
        ({"older_than": ""}, ["not an age"]),
        ({"time_zone": "Mars/Olympus"}, ["not an IANA time zone"]),
        ({"deadline_seconds": 10}, ["deadline_seconds", "at least 60"]),
        ({"resources": {"requests": {"cpu": "1"}, "limits": {"memory": "1Gi"}}}, ["memory"]),
    ],
)
def test_bad_settings_are_refused_by_name(gc: dict[str, Any], phrases: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        _parse(gc)
    message = str(caught.value)
    assert message.startswith("t.yaml: garbage_collection"), message
    for phrase in phrases:
        assert phrase in message, message
