"""Server performance: the server as dist/ configures it vs. `mlflow server` with its defaults.

    .venv/bin/python bench/server_perf.py [--seconds 20] [--clients 4]

Both run on this machine against the same throwaway PostgreSQL 15 and GCS emulator as the
e2e tests (tests/e2e/harness.py):

* project: the Deployment's `db-migrate` and `mlflow` containers from dist/, with their
  command, args and environment as written there (the e2e harness's Pod);
* default: `mlflow server --backend-store-uri <same PostgreSQL> --host 127.0.0.1 --port <p>`,
  i.e. uvicorn with 4 workers and MLflow's job runner (huey consumers) enabled.

Load: N client threads, each with its own keep-alive connection and run, POST
/api/2.0/mlflow/runs/log-metric back to back for the given time (after a warm-up). Memory: the
server's whole process tree, sampled every 0.5 s: the sum of RSS (what `ps` shows, counting
pages shared after fork once per process) and of PSS (shared pages split: what the container's
cgroup is charged for). Prints a table and the ratio of throughputs; --json writes the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from settings import load_settings  # noqa: E402
from tests.e2e.harness import (  # noqa: E402
    GcsEmulator,
    Manifests,
    Pod,
    PostgresServer,
    RunningContainer,
    free_port,
    kek_document,
    wait_http_ok,
)

MIB = 1024 * 1024


@dataclass
class Result:
    name: str
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    errors: int
    processes: int
    idle_rss_mib: float
    peak_rss_mib: float
    idle_pss_mib: float
    peak_pss_mib: float


def _tree(root: int) -> list[int]:
    """root and all its descendants (the server's container, without the harness)."""
    out = subprocess.run(
        ["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True, check=True
    ).stdout
    children: dict[int, list[int]] = {}
    for line in out.splitlines():
        pid, ppid = (int(x) for x in line.split())
        children.setdefault(ppid, []).append(pid)
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _memory(root: int) -> tuple[int, int, int]:
    """(processes, RSS sum, PSS sum) in bytes for the tree under root."""
    rss = pss = n = 0
    for pid in _tree(root):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
            n += 1
    return n, rss, pss


def _load(url: str, host: str, seconds: float, clients: int) -> tuple[int, list[float], int]:
    """Back-to-back log-metric calls from `clients` threads; (ok, latencies s, errors).

    http.client on a keep-alive connection, not requests: the load generator shares the two
    CPUs with the server and must take as little of them as it can.
    """
    address = url.removeprefix("http://")
    headers = {"Host": host, "Content-Type": "application/json"}
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()

    def post(conn: http.client.HTTPConnection, path: str, body: dict[str, object]) -> bytes:
        conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{path}: {resp.status} {data[:300]!r}")
        return data

    def client() -> None:
        conn = http.client.HTTPConnection(address, timeout=30)
        run = json.loads(
            post(
                conn,
                "/api/2.0/mlflow/runs/create",
                {"experiment_id": "0", "start_time": int(time.time() * 1000)},
            )
        )
        run_id = run["run"]["info"]["run_id"]
        step, mine, ok, bad = 0, [], 0, 0
        while time.monotonic() < stop:
            body = {
                "run_id": run_id,
                "key": "loss",
                "value": 1.0 / (step + 1),
                "timestamp": int(time.time() * 1000),
                "step": step,
            }
            t0 = time.perf_counter()
            try:
                post(conn, "/api/2.0/mlflow/runs/log-metric", body)
                ok += 1
            except RuntimeError as exc:
                bad += 1
                if bad <= 2:
                    print(f"  {exc}", file=sys.stderr)
            mine.append(time.perf_counter() - t0)
            step += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            counts["ok"] += ok
            counts["errors"] += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["ok"], latencies, counts["errors"]


def measure(name: str, root_pid: int, url: str, host: str, seconds: float, clients: int) -> Result:
    time.sleep(3)  # let the workers and job consumers finish starting
    _load(url, host, 3, clients)  # warm-up: imports, connection pools, first queries
    time.sleep(1)
    n, idle_rss, idle_pss = _memory(root_pid)
    peak = [idle_rss, idle_pss]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.5):
            _, rss, pss = _memory(root_pid)
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.monotonic()
    ok, latencies, errors = _load(url, host, seconds, clients)
    elapsed = time.monotonic() - t0
    done.set()
    sampler.join()
    latencies.sort()
    return Result(
        name=name,
        requests_per_s=ok / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=latencies[int(len(latencies) * 0.95)] * 1000,
        errors=errors,
        processes=n,
        idle_rss_mib=idle_rss / MIB,
        peak_rss_mib=peak[0] / MIB,
        idle_pss_mib=idle_pss / MIB,
        peak_pss_mib=peak[1] / MIB,
    )


@contextlib.contextmanager
def backing_services() -> Iterator[tuple[PostgresServer, GcsEmulator, str]]:
    settings = load_settings("dev")
    names = settings.names
    password = secrets.token_urlsafe(16)
    pg = PostgresServer(host="127.0.0.1", port=free_port())
    gcs = GcsEmulator(project=names.project_id)
    try:
        pg.init()
        pg.start()
        pg.create_database(name=names.database, user=names.db_user, password=password)
        pg.create_database(name="mlflow_default", user=names.db_user)
        gcs.start()
        gcs.create_bucket(names.bucket)
        yield pg, gcs, password
    finally:
        gcs.cleanup()
        pg.cleanup()


def run_project(
    manifests_dir: Path,
    pg: PostgresServer,
    gcs: GcsEmulator,
    password: str,
    run: Callable[..., Result],
    variant: dict[str, str],
) -> Result:
    settings = load_settings("dev")
    names = settings.names
    manifests = Manifests.load(manifests_dir)
    (deployment,) = manifests.of_kind("Deployment")
    pod = Pod(
        manifests,
        deployment,
        secrets={},
        files={
            "DB_PASSWORD_FILE": password + "\n",
            "KEK_PASSPHRASE_FILE": kek_document(secrets.token_hex(32)),
        },
        extra_env={"STORAGE_EMULATOR_HOST": gcs.url},
        # Free ports for PostgreSQL and the server: the bench may run beside the e2e tests.
        # Clients still send the Service's Host header, which the server's allowed hosts name.
        overrides={"DB_PORT": str(pg.port), "MLFLOW_PORT": str(free_port()), **variant},
    )
    server: RunningContainer | None = None
    try:
        migrate = pod.run_to_completion(
            "db-migrate", wrapper=("/usr/bin/time", "-f", "maxrss_kib=%M")
        )
        if migrate.returncode:
            raise RuntimeError(migrate.stderr[-3000:])
        peak_kib = re.findall(r"^maxrss_kib=(\d+)$", migrate.stderr, flags=re.M)
        print(
            f"db-migrate (schema creation on an empty database): peak RSS "
            f"{int(peak_kib[-1]) / 1024:.0f} MiB"
        )
        server = pod.start("mlflow")
        port = int(server.container.env["MLFLOW_PORT"])
        url = f"http://127.0.0.1:{port}"
        wait_http_ok(f"{url}/health", timeout=120)
        host = f"{names.service}.{names.namespace}.svc.cluster.local:{settings.server.port}"
        return run("project (dist/)" + (" +variant" if variant else ""), server.proc.pid, url, host)
    finally:
        if server is not None:
            server.stop()
        pod.cleanup()


def run_default(pg: PostgresServer, password: str, run: Callable[..., Result]) -> Result:
    from urllib.parse import quote

    names = load_settings("dev").names
    uri = (
        f"postgresql+psycopg://{names.db_user}:{quote(password, safe='')}"
        f"@127.0.0.1:{pg.port}/mlflow_default"
    )
    port = free_port()
    shm = Path("/dev/shm")
    before = set(shm.iterdir()) if shm.is_dir() else set()
    with tempfile.TemporaryDirectory(prefix="bench-default-") as cwd:
        log = Path(cwd) / "server.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "mlflow",
                    "server",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                cwd=cwd,
                env={**os.environ, "MLFLOW_BACKEND_STORE_URI": uri, "TMPDIR": cwd},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_http_ok(f"{url}/health", timeout=180)
            return run("mlflow server defaults", proc.pid, url, f"127.0.0.1:{port}")
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, 15)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
            # The job runner keeps its huey queues in a /dev/shm folder it does not remove.
            for path in (set(shm.iterdir()) if shm.is_dir() else set()) - before:
                if path.is_dir() and any(path.glob("*.mlflow-huey-store")):
                    shutil.rmtree(path, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument("--manifests", type=Path, default=REPO / "dist")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="VAR=VALUE",
        help="Try a variant: override an env var of the project's containers (repeatable).",
    )
    parser.add_argument("--skip-default", action="store_true", help="Measure the project only.")
    args = parser.parse_args()

    def run(name: str, pid: int, url: str, host: str) -> Result:
        return measure(name, pid, url, host, args.seconds, args.clients)

    with backing_services() as (pg, gcs, password):
        variant = dict(item.split("=", 1) for item in args.set)
        project = run_project(args.manifests, pg, gcs, password, run, variant)
        if args.skip_default:
            print(asdict(project))
            return 0
        default = run_default(pg, password, run)
    print(
        f"log-metric load: {args.clients} keep-alive clients x {args.seconds:.0f} s, "
        f"{os.cpu_count()} CPUs"
    )
    header = (
        f"{'server':<24}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}{'procs':>6}"
        f"{'RSS idle':>10}{'RSS peak':>10}{'PSS idle':>10}{'PSS peak':>10}  (MiB)"
    )
    print(header)
    for r in (project, default):
        print(
            f"{r.name:<24}{r.requests_per_s:>8.1f}{r.p50_ms:>8.1f}{r.p95_ms:>8.1f}{r.errors:>7}"
            f"{r.processes:>6}{r.idle_rss_mib:>10.0f}{r.peak_rss_mib:>10.0f}"
            f"{r.idle_pss_mib:>10.0f}{r.peak_pss_mib:>10.0f}"
        )
    ratio = project.requests_per_s / default.requests_per_s
    print(f"throughput ratio project/default: {ratio:.2f}x (target >= 2x)")
    print(
        f"peak memory, project: {project.peak_rss_mib:.0f} MiB RSS, "
        f"{project.peak_pss_mib:.0f} MiB PSS (target <= 600 MiB per pod)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"ratio": ratio, "results": [asdict(project), asdict(default)]}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
