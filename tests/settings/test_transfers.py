"""server.artifact_transfers: the /tmp emptyDir, the server's ephemeral-storage and the load
balancer's timeout follow the largest artifact, and contradictions are refused by name.

MLflow 3.17 spools every proxied upload and download whole in /tmp (settings/transfers.py says
where); tests/e2e/test_large_artifacts.py shows it with a file larger than 1 GiB.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml

from settings import ConfigError, Settings, parse_settings
from settings.advice import advice
from settings.transfers import ArtifactTransfers, format_bytes, quantity_bytes

Objects = dict[str, list[dict[str, Any]]]
GKE_BASE = {"project_id": "acme-ml-transfers", "region": "europe-west4"}


def _parse(server: dict[str, Any], **top: Any) -> Settings:
    text = yaml.safe_dump({**GKE_BASE, **top, "server": server})
    return parse_settings(text, env="t", source="t.yaml")


def _pod(objects: Objects) -> dict[str, Any]:
    (deployment,) = [o for o in objects["20-server"] if o["kind"] == "Deployment"]
    return dict(deployment["spec"]["template"]["spec"])


def _server(objects: Objects) -> dict[str, Any]:
    return next(c for c in _pod(objects)["containers"] if c["name"] == "mlflow")


def test_defaults_hold_two_4gi_transfers_and_keep_the_600_s_timeout(
    gke_settings: Settings, k8s_synth: Callable[[Settings], Objects]
) -> None:
    sizes = gke_settings.server.artifact_transfers
    assert (sizes.largest, sizes.concurrent) == ("4Gi", 2)
    objects = k8s_synth(gke_settings)
    (tmp,) = [v for v in _pod(objects)["volumes"] if v["name"] == "tmp"]
    assert tmp["emptyDir"] == {"sizeLimit": "9Gi"}  # 2 x 4Gi + 1Gi
    resources = _server(objects)["resources"]
    assert resources["requests"]["ephemeral-storage"] == "9Gi"
    assert resources["limits"]["ephemeral-storage"] == "10Gi"  # + 1Gi of logs
    (backend,) = [o for o in objects["30-ingress"] if o["kind"] == "BackendConfig"]
    assert backend["spec"]["timeoutSec"] == 600  # 4 GiB at 8 MiB/s, then the copy to GCS


@pytest.mark.parametrize(
    ("transfers", "tmp", "limit", "timeout"),
    [
        ({"largest": "10Gi", "concurrent": 1}, "11Gi", "12Gi", 1500),
        ({"largest": "512Mi", "concurrent": 4}, "3Gi", "4Gi", 600),
        ({"largest": "4Gi", "slowest_client_mib_per_second": 2}, "9Gi", "10Gi", 2160),
        ({"largest": "1500Mi", "concurrent": 3}, "5524Mi", "6548Mi", 600),
    ],
)
def test_every_size_follows_the_largest_transfer(
    transfers: dict[str, Any],
    tmp: str,
    limit: str,
    timeout: int,
    k8s_synth: Callable[[Settings], Objects],
) -> None:
    settings = _parse({"artifact_transfers": transfers}, ingress={"host": "t.example"})
    objects = k8s_synth(settings)
    (volume,) = [v for v in _pod(objects)["volumes"] if v["name"] == "tmp"]
    assert volume["emptyDir"]["sizeLimit"] == tmp
    resources = _server(objects)["resources"]
    assert resources["requests"]["ephemeral-storage"] == tmp
    assert resources["limits"]["ephemeral-storage"] == limit
    assert settings.server.backend_timeout_seconds == timeout
    # The same numbers, from the formula: each transfer needs the largest file's room and time.
    sizes = settings.server.artifact_transfers
    assert quantity_bytes(tmp) == sizes.largest_bytes * sizes.concurrent + 2**30
    assert timeout % 60 == 0
    assert timeout >= sizes.largest_bytes / 2**20 / sizes.slowest_client_mib_per_second


def test_the_server_mounts_the_tmp_that_follows_the_transfers(
    gke_settings: Settings, k8s_synth: Callable[[Settings], Objects]
) -> None:
    objects = k8s_synth(gke_settings)
    mounts = {m["mountPath"]: m["name"] for m in _server(objects)["volumeMounts"]}
    assert mounts["/tmp"] == "tmp"


def test_explicit_resources_and_timeout_that_fit_are_kept() -> None:
    settings = _parse(
        {
            "artifact_transfers": {"largest": "1Gi", "concurrent": 1},
            "resources": {"server": {"requests": {"ephemeral-storage": "3Gi"}}},
            "upload_timeout_seconds": 3600,
        }
    )
    server = settings.server.resources.server
    assert server.requests["ephemeral-storage"] == "3Gi"
    assert server.limits["ephemeral-storage"] == "3Gi"  # the derived default: 2Gi + 1Gi
    assert settings.server.backend_timeout_seconds == 3600


@pytest.mark.parametrize(
    ("server", "phrases"),
    [
        (
            {"resources": {"server": {"limits": {"ephemeral-storage": "8Gi"}}}},
            [
                "resources.server.limits.ephemeral-storage 8Gi is below the /tmp",
                "9Gi (artifact_transfers.largest 4Gi x concurrent 2, plus 1Gi)",
                "evict",
            ],
        ),
        (
            {"upload_timeout_seconds": 300},
            [
                "upload_timeout_seconds 300 is shorter than the largest transfer takes, 600 s",
                "artifact_transfers.largest 4Gi at slowest_client_mib_per_second 8",
            ],
        ),
        (
            {"artifact_transfers": {"largest": "8Gi"}, "upload_timeout_seconds": 600},
            ["upload_timeout_seconds 600 is shorter", "1200 s"],
        ),
        ({"artifact_transfers": {"largest": "100Ki"}}, ["less than 1Mi"]),
        ({"artifact_transfers": {"largest": "big"}}, ["not a Kubernetes quantity"]),
        (
            {"artifact_transfers": {"concurrent": 0}},
            ["artifact_transfers.concurrent: must be at least 1, got 0"],
        ),
        (
            {"artifact_transfers": {"slowest_client_mib_per_second": 0}},
            ["slowest_client_mib_per_second: must be more than 0.0, got 0"],
        ),
    ],
)
def test_contradictions_are_refused_by_name(server: dict[str, Any], phrases: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        _parse(server)
    message = str(caught.value)
    assert message.startswith("t.yaml: server"), message
    for phrase in phrases:
        assert phrase in message, message


def test_a_request_below_the_tmp_or_half_a_node_is_warned_about() -> None:
    low = _parse({"resources": {"server": {"requests": {"ephemeral-storage": "2Gi"}}}})
    assert any("requests.ephemeral-storage 2Gi is below the /tmp" in n for n in advice(low))
    big = _parse(
        {"artifact_transfers": {"largest": "16Gi"}, "upload_timeout_seconds": 3600},
        cluster={"disk_size_gb": 50},
    )
    notes = advice(big)
    assert any("more than half of a node's boot disk" in n for n in notes), notes
    fine = _parse({})
    assert not [n for n in advice(fine) if "ephemeral-storage" in n]


def test_byte_quantities_format_exactly() -> None:
    assert format_bytes(9 * 2**30) == "9Gi"
    assert format_bytes(1536 * 2**20) == "1536Mi"
    assert format_bytes(2**20 + 1) == str(2**20 + 1)
    assert ArtifactTransfers(largest="1G").largest_bytes == 10**9
