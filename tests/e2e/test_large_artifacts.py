"""Large artifacts go through the server: a file larger than 1 GiB, uploaded with MLflow's own
client and read back byte for byte, while the pod's /tmp holds it whole, as MLflow 3.17 does
(settings/transfers.py), and never more than the emptyDir dist/ gives it.

Nothing holds the file in memory: the test writes it to disk while hashing it, the client
streams it, the download is hashed as it arrives, and the server's resident memory stays within
its request. bench/large_artifacts.py reports the throughput and the peak /tmp.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Cluster
from tests.support.net import cluster_dns
from tests.support.peaks import Peaks, folder_bytes

pytestmark = pytest.mark.e2e

MIB = 2**20
# Larger than 1 GiB, and no multiple of a chunk size anywhere on the way.
BIG = 2**30 + MIB + 7
CHUNK = 8 * MIB


def _quantity(value: str) -> int:
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    for suffix, factor in units.items():
        if value.endswith(suffix):
            return int(value[: -len(suffix)]) * factor
    return int(value)


@pytest.fixture
def client(cluster: Cluster) -> Iterator[Any]:
    from mlflow import MlflowClient

    with cluster_dns(cluster.dns):
        yield MlflowClient(tracking_uri=cluster.tracking_uri)


def _write_random(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as f:
        left = size
        while left:
            block = os.urandom(min(CHUNK, left))
            digest.update(block)
            f.write(block)
            left -= len(block)
    return digest.hexdigest()


def _artifact_path(cluster: Cluster, run_id: str) -> str:
    ((uri,),) = cluster.pg.query(
        cluster.database, "SELECT artifact_uri FROM runs WHERE run_uuid = %s", run_id
    )
    return str(uri).removeprefix("mlflow-artifacts:").lstrip("/")


def _download_sha256(cluster: Cluster, path: str) -> tuple[str, int]:
    """GET the artifact through the server's proxy, hashing it as it streams in."""
    connection = http.client.HTTPConnection("127.0.0.1", cluster.container_port, timeout=300)
    try:
        connection.request(
            "GET",
            f"/api/2.0/mlflow-artifacts/artifacts/{path}",
            headers={"Host": cluster.host_header},
        )
        response = connection.getresponse()
        assert response.status == 200, response.read(2000)
        digest, size = hashlib.sha256(), 0
        while block := response.read(CHUNK):
            digest.update(block)
            size += len(block)
        return digest.hexdigest(), size
    finally:
        connection.close()


def _tmp_limit(cluster: Cluster) -> int:
    (tmp,) = [v for v in cluster.pod.spec["volumes"] if v["name"] == "tmp"]
    return _quantity(tmp["emptyDir"]["sizeLimit"])


def test_multipart_upload_is_declined_and_the_client_puts_the_file(
    cluster: Cluster, client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An MLflow client sends a file of 500 MB or more in parts when the server says it can;
    its gs:// store cannot sign the part URLs (no private key with Workload Identity), so the
    image's plugin declines and the client falls back to one PUT. A 2 MiB file and a 1 MiB
    threshold stand in for the 500 MB."""
    monkeypatch.setenv("MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE", str(MIB))
    # MLflow 3.18's client tries parts only when the server advertises them (its server-info
    # capabilities; this server does not) or when told to: a client that opts in still meets
    # the plugin's refusal (mlflow/store/artifact/http_artifact_repo.py, _should_multipart_upload).
    monkeypatch.setenv("MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD", "true")
    run_id = client.create_run(client.create_experiment("e2e-multipart")).info.run_id
    path = tmp_path / "two-mib.bin"
    sha = _write_random(path, 2 * MIB + 3)
    client.log_artifact(run_id, str(path))
    assert cluster.server is not None
    log = cluster.server.logs()
    # uvicorn's access line (the plugin also logs each port-forward request, without status).
    (create,) = [
        line
        for line in log.splitlines()
        if "/mlflow-artifacts/mpu/create/" in line and "HTTP/1.1" in line
    ]
    assert "501 Not Implemented" in create, create
    root = _artifact_path(cluster, run_id)
    assert _download_sha256(cluster, f"{root}/two-mib.bin") == (sha, 2 * MIB + 3)


def test_an_artifact_larger_than_1_gib_round_trips_byte_for_byte(
    cluster: Cluster, client: Any, tmp_path: Path
) -> None:
    assert cluster.server is not None
    limit = _tmp_limit(cluster)
    memory_limit = _quantity(cluster.server.container.spec["resources"]["limits"]["memory"])
    chunk = int(cluster.server.container.env["MLFLOW_GCS_UPLOAD_CHUNK_SIZE"])
    rss_before = cluster.server.rss_bytes()
    run_id = client.create_run(client.create_experiment("e2e-large-artifact")).info.run_id
    source = tmp_path / "model.bin"
    sha = _write_random(source, BIG)
    baseline = folder_bytes(cluster.pod.mounts["/tmp"])

    start = time.monotonic()
    with Peaks(cluster.pod.mounts["/tmp"], cluster.server) as upload:
        client.log_artifact(run_id, str(source), artifact_path="weights")
    upload_s = time.monotonic() - start
    source.unlink()  # the client's copy is no longer needed: the test holds only the digest

    names = cluster.settings.names
    prefix = f"{cluster.settings.bucket.artifact_prefix}/{_artifact_path(cluster, run_id)}"
    blob = cluster.gcs.client().bucket(names.bucket).get_blob(f"{prefix}/weights/model.bin")
    assert blob is not None
    assert blob.size == BIG

    start = time.monotonic()
    with Peaks(cluster.pod.mounts["/tmp"], cluster.server) as download:
        got = _download_sha256(cluster, f"{_artifact_path(cluster, run_id)}/weights/model.bin")
    download_s = time.monotonic() - start
    assert got == (sha, BIG)

    print(
        f"{BIG / MIB:.0f} MiB: upload {upload_s:.1f} s ({BIG / MIB / upload_s:.0f} MiB/s; "
        f"into /tmp, then to the bucket: {upload.phases()}), "
        f"download {download_s:.1f} s ({BIG / MIB / download_s:.0f} MiB/s); peak /tmp "
        f"{upload.tmp_bytes / MIB:.0f} / {download.tmp_bytes / MIB:.0f} MiB of {limit / MIB:.0f}; "
        f"peak server RSS {max(upload.rss_bytes, download.rss_bytes) / MIB:.0f} MiB"
    )
    # MLflow spools the whole file in /tmp both ways (what the emptyDir is sized for) ...
    assert upload.tmp_bytes >= BIG
    assert download.tmp_bytes >= BIG
    # ... within the emptyDir dist/ gives, and frees it afterwards.
    assert max(upload.tmp_bytes, download.tmp_bytes) - baseline <= limit
    assert folder_bytes(cluster.pod.mounts["/tmp"]) - baseline < 64 * MIB
    # Streamed, never held: the server's memory grows by about one upload piece to Cloud
    # Storage (the ConfigMap's MLFLOW_GCS_UPLOAD_CHUNK_SIZE), not by the file, and stays
    # within its limit.
    peak_rss = max(upload.rss_bytes, download.rss_bytes)
    assert peak_rss - rss_before <= 2 * chunk + 64 * MIB, (peak_rss - rss_before) / MIB
    assert peak_rss <= memory_limit
