"""cluster.mode, network.control_plane, cluster.maintenance and Autopilot's rules as Autopilot
applies them (defaults for unset requests, native-sidecar arithmetic, both pods)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest
import yaml

from settings import REPO_ROOT, load_settings
from settings.advice import advice
from settings.autopilot import GIB, gc_pod, pod_requests, server_pod
from settings.errors import ConfigError
from settings.load import parse_settings
from settings.maintenance import MaintenanceSettings
from settings.targets import CreatedGke

GKEAP = yaml.safe_load((REPO_ROOT / "tests/configs/gkeautopilot.yaml").read_text())
AUTOPILOT = yaml.safe_load((REPO_ROOT / "tests/configs/autopilot.yaml").read_text())


def _parse(data: dict[str, Any]) -> Any:
    return parse_settings(yaml.safe_dump(data), env="t", source="t.yaml")


def test_standard_is_the_default_mode() -> None:
    s = load_settings("dev")
    assert isinstance(s.target, CreatedGke)
    assert not s.target.autopilot


@pytest.mark.parametrize(
    ("field", "value"),
    [("machine_type", "e2-standard-4"), ("min_nodes", 2), ("spot", True), ("disk_size_gb", 100)],
)
def test_autopilot_refuses_node_pool_settings(field: str, value: object) -> None:
    data = copy.deepcopy(GKEAP)
    data["cluster"][field] = value
    with pytest.raises(ConfigError, match=f"{field}: node pool settings.*cluster.mode: standard"):
        _parse(data)


def test_autopilot_is_regional() -> None:
    data = copy.deepcopy(GKEAP)
    data["cluster"]["location"] = f"{data['region']}-b"
    with pytest.raises(ConfigError, match="an Autopilot cluster is regional"):
        _parse(data)
    assert _parse(GKEAP).target.location == GKEAP["region"]


def test_autopilot_counts_its_default_ephemeral_storage() -> None:
    """A container without an ephemeral-storage request gets 1 GiB on Autopilot: the proxy
    and db-migrate here."""
    s = _parse(GKEAP)
    server = s.server.resources.server.requests["ephemeral-storage"]
    assert "ephemeral-storage" not in s.server.resources.proxy.requests
    running = pod_requests(server_pod(s.server.resources))["ephemeral-storage"]
    assert running == Decimal(int(server[:-2])) * GIB + GIB  # server + the proxy's 1 GiB
    gc = pod_requests(gc_pod(s.server.resources, s.garbage_collection.resources))
    assert gc["ephemeral-storage"] == 2 * GIB  # gc and the proxy: 1 GiB each


def test_native_sidecar_arithmetic() -> None:
    """The pod requests max(app + sidecars, each init + the sidecars started before it)."""
    data = copy.deepcopy(GKEAP)
    data["server"]["resources"]["migrate"] = {
        "requests": {"cpu": "2", "memory": "4Gi"},
        "limits": {"memory": "4Gi"},
    }
    s = _parse(data)
    pod = pod_requests(server_pod(s.server.resources))
    assert pod["cpu"] == Decimal("2.05")  # migrate 2 + proxy 0.05 > server 0.5 + proxy 0.05
    assert pod["memory"] == 4 * GIB + 64 * 2**20


def test_autopilot_defaults_fit_the_pod_maximum_and_standard_keeps_its_own() -> None:
    """Autopilot: 3Gi x 2 transfers, the server's request = limit = 8Gi, + the proxy's 1 GiB
    default = 9 GiB <= 10 GiB. Standard: unchanged (4Gi x 2, request 9Gi, limit 10Gi)."""
    s = _parse(GKEAP)
    assert s.server.artifact_transfers.largest == "3Gi"
    own = s.server.resources.server
    assert own.requests["ephemeral-storage"] == own.limits["ephemeral-storage"] == "8Gi"
    assert pod_requests(server_pod(s.server.resources))["ephemeral-storage"] == 9 * GIB
    standard = load_settings("dev").server
    assert standard.artifact_transfers.largest == "4Gi"
    assert standard.resources.server.requests["ephemeral-storage"] == "9Gi"
    assert standard.resources.server.limits["ephemeral-storage"] == "10Gi"


@pytest.mark.parametrize("config", [GKEAP, AUTOPILOT], ids=["created", "existing"])
def test_a_pod_above_10_gib_is_refused_naming_the_defaults(config: dict[str, Any]) -> None:
    """Server 9 GiB + the proxy's default 1 GiB + 1 GiB more: refused, on both kinds of
    Autopilot cluster, with the default named."""
    data = copy.deepcopy(config)
    data["server"]["artifact_transfers"] = {"largest": "4Gi", "concurrent": 2}
    data["server"]["resources"]["server"] = {
        "requests": {"cpu": "500m", "memory": "1Gi", "ephemeral-storage": "10Gi"},
        "limits": {"memory": "1Gi", "ephemeral-storage": "10Gi"},
    }
    with pytest.raises(ConfigError, match=r"the server's pod requests 11.0 GiB.*cloud-sql-proxy"):
        _parse(data)


@pytest.mark.parametrize("config", [GKEAP, AUTOPILOT], ids=["created", "existing"])
def test_the_gc_pod_is_checked_too(config: dict[str, Any]) -> None:
    data = copy.deepcopy(config)
    data["garbage_collection"] = {
        "resources": {"requests": {"cpu": "100m", "memory": "2Gi"}, "limits": {"memory": "2Gi"}}
    }
    with pytest.raises(ConfigError, match="the garbage collector's pod's memory per vCPU"):
        _parse(data)
    data["garbage_collection"] = {}  # the defaults: a limit above the request
    notes = [n for n in advice(_parse(data)) if "Autopilot" in n]
    assert notes
    assert "gc memory limit 512Mi (request 256Mi)" in notes[0]


def test_dns_control_plane_refuses_the_peering_settings() -> None:
    data = copy.deepcopy(GKEAP)
    data["network"]["master_authorized_cidrs"] = ["203.0.113.0/24"]
    with pytest.raises(ConfigError, match=r"master_authorized_cidrs.*control_plane: peering"):
        _parse(data)
    data["network"]["control_plane"] = "peering"
    assert _parse(data).network.master_authorized_cidrs == ("203.0.113.0/24",)


@pytest.mark.parametrize(
    ("region", "days", "start"),
    [
        ("us-central1", "SA,SU", "06:00"),
        ("europe-west1", "FR,SA", "23:00"),
        ("asia-northeast1", "FR,SA", "15:00"),
        ("australia-southeast1", "FR,SA", "14:00"),
    ],
)
def test_the_default_window_is_weekend_nights_in_the_region(
    region: str, days: str, start: str
) -> None:
    window = MaintenanceSettings().window(region)
    assert window.recurrence == f"FREQ=WEEKLY;BYDAY={days}"
    assert window.start_time[11:16] == start


def test_a_window_too_short_for_gke_is_refused() -> None:
    with pytest.raises(ValueError, match="less than 48 hours"):
        MaintenanceSettings(days=("SA",), hours=6)
    with pytest.raises(ValueError, match="at most 30 days"):
        MaintenanceSettings.model_validate(
            {
                "exclusions": [
                    {
                        "name": "freeze",
                        "start": "2026-12-01T00:00:00Z",
                        "end": "2027-01-15T00:00:00Z",
                        "scope": "NO_UPGRADES",
                    }
                ]
            }
        )
