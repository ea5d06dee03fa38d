"""Large artifacts through the server: upload and download throughput, peak /tmp, memory.

    .venv/bin/python -m bench.large_artifacts [--sizes 256,1024] [--concurrent 2x512]

Runs the Deployment's `db-migrate` and `mlflow` containers as the e2e tests do
(tests/support/pod.py), from the e2e fixture's manifests (bench/subject.py) with the auth mode
off (this measures transfers, bench/server_perf.py what IAP identities add), against a throwaway
PostgreSQL and the GCS emulator. Each case uploads random files with MLflow's own client
(`MlflowClient.log_artifact`, which is declined multipart and PUTs the file), then downloads
them through the proxy, hashing both ways; a last case runs `--concurrent` N x MiB uploads (and
then downloads) at once. Reported per case:

* upload MiB/s overall, and split into the server receiving the file into /tmp and its copy
  to the bucket (the server answers only after both; the split is when /tmp stopped growing);
* download MiB/s (the server first copies the object to /tmp, then streams it);
* peak /tmp, as a ratio of the bytes in flight (MLflow spools each file whole: ~1.0x), and
  against the emptyDir's size limit in the manifests;
* the server's memory growth over its idle RSS.

The copy to the emulator is no stand-in for Cloud Storage: fake-gcs-server takes ~2 s per
resumable piece (MLFLOW_GCS_UPLOAD_CHUNK_SIZE, 32 MiB here), far more than GCS. Not a timed
test: figures from one run on this machine.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import http.client
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.subject import (
    Server,
    backing_services,
    create_database,
    migrated,
    serving,
    subject_settings,
    synthesized,
)
from settings import Settings
from tests.support.manifests import Manifests
from tests.support.net import cluster_dns
from tests.support.peaks import Peaks, folder_bytes
from tests.support.postgres import PostgresServer

MIB = 2**20
CHUNK = 8 * MIB


@dataclass
class Case:
    name: str
    size_mib: int
    files: int
    upload_s: float
    receive_s: float
    copy_s: float
    download_s: float
    peak_tmp_mib: float
    peak_tmp_download_mib: float
    rss_growth_mib: float

    @property
    def in_flight_mib(self) -> int:
        return self.size_mib * self.files


def _write(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as f:
        left = size
        while left:
            block = os.urandom(min(CHUNK, left))
            digest.update(block)
            f.write(block)
            left -= len(block)
    return digest.hexdigest()


def _download(port: int, host: str, path: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    try:
        connection.request(
            "GET", f"/api/2.0/mlflow-artifacts/artifacts/{path}", headers={"Host": host}
        )
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {response.read(500)!r}")
        digest = hashlib.sha256()
        while block := response.read(CHUNK):
            digest.update(block)
        return digest.hexdigest()
    finally:
        connection.close()


def run_cases(
    settings: Settings,
    pg: PostgresServer,
    server: Server,
    tmp: Path,
    plan: list[tuple[str, int, int]],
    work: Path,
) -> list[Case]:
    """Each case of the plan (name, MiB, files): uploaded with MLflow's client, then downloaded
    through the proxy, with the peaks of the pod's /tmp and the server's memory."""
    from mlflow import MlflowClient

    names = settings.names
    port = int(server.container.container.env["MLFLOW_PORT"])
    container = server.container
    service = f"{names.service}.{names.namespace}.svc.cluster.local"
    cases: list[Case] = []
    with cluster_dns({(service, settings.server.port): ("127.0.0.1", port)}):
        client = MlflowClient(tracking_uri=f"http://{service}:{settings.server.port}")
        experiment = client.create_experiment("bench-large-artifacts")
        for name, size_mib, count in plan:
            run_id = client.create_run(experiment).info.run_id
            files = [work / f"file-{i}.bin" for i in range(count)]
            digests = [_write(f, size_mib * MIB + 7) for f in files]
            idle_rss = container.rss_bytes()
            start = time.monotonic()
            with Peaks(tmp, container) as up, concurrent.futures.ThreadPoolExecutor(count) as ex:
                list(ex.map(client.log_artifact, [run_id] * count, map(str, files)))
            upload_s = time.monotonic() - start
            for f in files:
                f.unlink()
            ((uri,),) = pg.query(
                names.database, "SELECT artifact_uri FROM runs WHERE run_uuid = %s", run_id
            )
            root = str(uri).removeprefix("mlflow-artifacts:").lstrip("/")
            start = time.monotonic()
            with Peaks(tmp, container) as down, concurrent.futures.ThreadPoolExecutor(count) as ex:
                paths = [f"{root}/{f.name}" for f in files]
                got = list(ex.map(_download, [port] * count, [server.host] * count, paths))
            download_s = time.monotonic() - start
            if got != digests:
                raise RuntimeError(f"{name}: the downloads differ from the uploads")
            cases.append(
                Case(
                    name=name,
                    size_mib=size_mib,
                    files=count,
                    upload_s=upload_s,
                    receive_s=up.growing_s,
                    copy_s=up.after_s,
                    download_s=download_s,
                    peak_tmp_mib=up.tmp_bytes / MIB,
                    peak_tmp_download_mib=down.tmp_bytes / MIB,
                    rss_growth_mib=(max(up.rss_bytes, down.rss_bytes) - idle_rss) / MIB,
                )
            )
            print(f"done: {name}", file=sys.stderr)
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="256,1024", help="File sizes in MiB, one case each.")
    parser.add_argument("--concurrent", default="2x512", help="N x MiB at once, the last case.")
    parser.add_argument(
        "--manifests", type=Path, help="A folder synthesized from tests/configs/e2e.yaml."
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    settings = subject_settings()
    with contextlib.ExitStack() as stack:
        folder = args.manifests or stack.enter_context(synthesized(settings))
        manifests = Manifests.load(folder)  # read whole: the folder may go
    plan = [(f"{s} MiB", s, 1) for s in sizes]
    count, size = (int(p) for p in args.concurrent.split("x"))
    plan.append((f"{count} x {size} MiB", size, count))
    with (
        backing_services(settings) as (pg, gcs),
        migrated(manifests, pg, gcs, create_database(pg, settings)) as (pod, _),
        serving(settings, pod) as server,
        tempfile.TemporaryDirectory(prefix="bench-artifacts-") as work,
    ):
        tmp = pod.mounts["/tmp"]
        (volume,) = [v for v in pod.spec["volumes"] if v["name"] == "tmp"]
        limit = volume["emptyDir"]["sizeLimit"]
        chunk = server.container.container.env["MLFLOW_GCS_UPLOAD_CHUNK_SIZE"]
        cases = run_cases(settings, pg, server, tmp, plan, Path(work))
        leftover = folder_bytes(tmp) / MIB

    print(
        f"large artifacts through the server (/tmp sizeLimit {limit}, "
        f"MLFLOW_GCS_UPLOAD_CHUNK_SIZE {chunk}), "
        f"{os.cpu_count()} CPUs, GCS emulator"
    )
    print(
        f"{'case':<16}{'upload':>9}{'receive':>9}{'copy':>8}{'download':>10}"
        f"{'peak /tmp up':>14}{'down':>7}{'/tmp ÷ in flight':>18}{'RSS +':>8}"
    )
    for c in cases:
        mib = c.in_flight_mib
        print(
            f"{c.name:<16}{mib / c.upload_s:>6.0f}/s{mib / c.receive_s:>6.0f}/s"
            f"{mib / c.copy_s:>5.0f}/s{mib / c.download_s:>7.0f}/s"
            f"{c.peak_tmp_mib:>10.0f} MiB{c.peak_tmp_download_mib:>7.0f}"
            f"{c.peak_tmp_mib / mib:>17.2f}x{c.rss_growth_mib:>5.0f} MiB"
        )
    print("(MiB/s; receive: client -> server /tmp; copy: server -> bucket)")
    print(f"/tmp after the last case: {leftover:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
