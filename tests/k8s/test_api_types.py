"""The Kubernetes API types the charts build with: current enough for every GKE channel, one
version everywhere, and nothing a config writes lost on the way through them."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from k8s.meta import API_TYPES_VERSION
from k8s.server import first_lost_field
from settings import REPO_ROOT, ConfigError, Settings, parse_settings
from settings.cluster import OLDEST_CHANNEL_MINOR

TYPES_PACKAGE = re.compile(r"^cdk8s_plus_(\d+)$")


def _minor(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def _imported_modules() -> set[str]:
    """Top-level modules the hand-written k8s/ code imports (imports/ is generated)."""
    found = set()
    for path in (REPO_ROOT / "k8s").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module.split(".")[0])
    return found


def test_the_types_cover_the_oldest_gke_channel_version() -> None:
    # Every cluster a release channel can run knows each field the types can write (sidecars,
    # beta and on by default since 1.29, stable in 1.33; CronJob timeZone, stable in 1.27), and
    # no field such a cluster knows is missing from the types.
    assert _minor(OLDEST_CHANNEL_MINOR) >= (1, 31)
    assert _minor(OLDEST_CHANNEL_MINOR) <= _minor(API_TYPES_VERSION)


def test_one_types_version_is_imported_and_pinned() -> None:
    packages = {m for m in _imported_modules() if TYPES_PACKAGE.match(m)}
    assert packages == {f"cdk8s_plus_{_minor(API_TYPES_VERSION)[1]}"}
    pinned = re.findall(r"^(cdk8s-plus-\d+)==", (REPO_ROOT / "requirements.txt").read_text(), re.M)
    assert pinned == [f"cdk8s-plus-{_minor(API_TYPES_VERSION)[1]}"]


def test_the_fields_once_patched_are_typed() -> None:
    from cdk8s_plus_33 import k8s

    proxy = k8s.Container(name="p", restart_policy="Always")
    assert proxy.restart_policy == "Always"
    cron = k8s.CronJobSpec(
        schedule="0 3 * * *", time_zone="Etc/UTC", job_template=k8s.JobTemplateSpec()
    )
    assert cron.time_zone == "Etc/UTC"


# --- the affinity, written as in a pod spec, goes through the types --------------------------


def test_a_lost_field_is_found_at_its_path() -> None:
    written = {"nodeAffinity": {"required": [{"a": 1, "typo": 2}]}}
    assert first_lost_field(written, written, "affinity") is None
    kept = {"nodeAffinity": {"required": [{"a": 1}]}}
    assert first_lost_field(written, kept, "affinity") == "affinity.nodeAffinity.required[0].typo"
    assert first_lost_field(written, None, "affinity") == "affinity"
    assert first_lost_field({"l": [1, 2]}, {"l": [1]}, "affinity") == "affinity.l"


def _with_affinity(affinity: dict[str, Any]) -> Settings:
    config = {"project_id": "acme-ml-types", "region": "europe-west4"}
    config["server"] = {"affinity": affinity}  # type: ignore[assignment]
    return parse_settings(yaml.safe_dump(config), env="t", source="t.yaml")


def test_a_misspelled_affinity_field_is_refused_not_dropped(
    k8s_synth: Callable[[Settings], Any],
) -> None:
    term = {"topologyKey": "kubernetes.io/hostname", "labelSelectr": {"matchLabels": {"a": "b"}}}
    affinity = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    with pytest.raises(ConfigError) as caught:
        k8s_synth(_with_affinity(affinity))
    message = str(caught.value)
    assert message.startswith("server.affinity: affinity.podAntiAffinity."), message
    assert "requiredDuringSchedulingIgnoredDuringExecution[0].labelSelectr" in message
    assert f"Kubernetes {API_TYPES_VERSION} types" in message


def test_a_newer_affinity_field_the_types_know_passes_whole(
    k8s_synth: Callable[[Settings], Any],
) -> None:
    # matchLabelKeys on a pod affinity term: beta in 1.31, in the 1.33 types.
    term = {
        "topologyKey": "kubernetes.io/hostname",
        "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "mlflow"}},
        "matchLabelKeys": ["pod-template-hash"],
    }
    affinity = {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}
    objects = k8s_synth(_with_affinity(affinity))
    (deployment,) = [o for docs in objects.values() for o in docs if o["kind"] == "Deployment"]
    assert deployment["spec"]["template"]["spec"]["affinity"] == affinity
