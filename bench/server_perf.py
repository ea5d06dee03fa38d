"""Server performance: the server as the project configures it, with and without IAP
identities, vs. `mlflow server` with its defaults.

    .venv/bin/python -m bench.server_perf [--seconds 20] [--clients 4] [--manifests DIR]

The project's manifests are the e2e fixture's (tests/configs/e2e.yaml: the defaults, IAP
identities on), synthesized into a temporary folder, so that the figures never depend on the
team's config/; --manifests measures another folder synthesized from that fixture.
All run on this machine against the same throwaway PostgreSQL 18 and GCS emulator as the
e2e tests (tests/support/):

* project, IAP + permissions: the Deployment's `db-migrate` and `mlflow` containers,
  with their command, args and environment as written there (the e2e harness's Pod): IAP's
  signed header verified (keys from the e2e stand-in for Google's key set), MLflow's auth app
  and permissions on. The clients connect from 127.0.0.2 (the load balancer's side) and send a
  signed `x-goog-iap-jwt-assertion`, one per client, as IAP sends one per signed-in user; each
  client is its own user, in an experiment it created (MANAGE);
* project, auth off: the same pod with the auth mode switched off (SERVER_APP_NAME and
  AUTH_DB_NAME empty): the configuration before IAP identities, the same workload;
* default: `mlflow server --backend-store-uri <same PostgreSQL> --host 127.0.0.1 --port <p>`,
  i.e. uvicorn with 4 workers and MLflow's job runner (huey consumers) enabled.

Load: N client threads, each with its own keep-alive connection, experiment and run, POST
/api/2.0/mlflow/runs/log-metric back to back (after a warm-up). All servers run at once and
take turns, in --rounds slices in alternating order, so that the machine's background load
weighs on each alike; the ratios come from one run. Memory: the
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
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.subject import AUTH_OFF, subject_pod, subject_settings, synthesized
from settings import Settings
from tests.support.container import RunningContainer
from tests.support.gcs import GcsEmulator
from tests.support.google_standin import GoogleStandIn, google_standin
from tests.support.manifests import Manifests
from tests.support.net import free_port, wait_http_ok
from tests.support.postgres import PostgresServer

MIB = 1024 * 1024


@dataclass
class Result:
    name: str
    requests_per_s: float
    cpu_ms_per_request: float  # the server's CPU time (all its processes) per request
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


@dataclass(frozen=True)
class Caller:
    """How the load's clients reach the server: from where, with which headers per client."""

    source: str = "127.0.0.1"
    headers: Callable[[int], dict[str, str]] = lambda i: {}


def _cpu_seconds(root: int) -> float:
    """User + system CPU time of the server's whole process tree so far."""
    total = 0
    for pid in _tree(root):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _load(
    url: str, host: str, seconds: float, clients: int, caller: Caller, runs: dict[int, str]
) -> tuple[int, list[float], int, float]:
    """Back-to-back log-metric calls from `clients` threads; (ok, latencies s, errors, s).

    Each client logs to its own run in its own experiment, created on its first call (kept in
    `runs`); the timed window starts when every client is ready. http.client on a keep-alive
    connection, not requests: the load generator shares the two CPUs with the server and must
    take as little of them as it can.
    """
    address = url.removeprefix("http://")
    window: dict[str, float] = {}
    ends: list[float] = []
    ready = threading.Barrier(clients, action=lambda: window.update(start=time.monotonic()))
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()

    def post(
        conn: http.client.HTTPConnection,
        path: str,
        body: dict[str, object],
        headers: dict[str, str],
    ) -> bytes:
        conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{path}: {resp.status} {data[:300]!r}")
        return data

    def client(index: int) -> None:
        host_name, port = address.rsplit(":", 1)
        conn = http.client.HTTPConnection(
            host_name, int(port), timeout=30, source_address=(caller.source, 0)
        )
        headers = {"Host": host, "Content-Type": "application/json", **caller.headers(index)}
        if index not in runs:
            name = f"bench-{index}-{secrets.token_hex(4)}"
            experiment = json.loads(
                post(conn, "/api/2.0/mlflow/experiments/create", {"name": name}, headers)
            )["experiment_id"]
            run = json.loads(
                post(
                    conn,
                    "/api/2.0/mlflow/runs/create",
                    {"experiment_id": experiment, "start_time": int(time.time() * 1000)},
                    headers,
                )
            )
            runs[index] = run["run"]["info"]["run_id"]
        run_id = runs[index]
        step, mine, ok, bad = 0, [], 0, 0
        ready.wait()
        stop = window["start"] + seconds
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
                post(conn, "/api/2.0/mlflow/runs/log-metric", body, headers)
                ok += 1
            except RuntimeError as exc:
                bad += 1
                if bad <= 2:
                    print(f"  {exc}", file=sys.stderr)
            mine.append(time.perf_counter() - t0)
            step += 1
        conn.close()
        with lock:
            ends.append(time.monotonic())
            latencies.extend(mine)
            counts["ok"] += ok
            counts["errors"] += bad

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts["ok"], latencies, counts["errors"], max(ends) - window["start"]


@dataclass(frozen=True)
class Target:
    """A running server under test and how the load reaches it."""

    name: str
    root_pid: int
    url: str
    host: str
    caller: Caller
    runs: dict[int, str] = field(default_factory=dict)  # client -> its run


def measure(targets: list[Target], seconds: float, clients: int, rounds: int) -> list[Result]:
    """Each target gets `seconds` of load in `rounds` slices, the targets taking turns (in
    alternating order), so that a change in the machine's background load hits all alike."""
    time.sleep(3)  # let the workers and job consumers finish starting
    idle: dict[str, tuple[int, int, int]] = {}
    for t in targets:
        _load(t.url, t.host, 3, clients, t.caller, t.runs)  # warm-up: imports, pools, queries
    time.sleep(1)
    for t in targets:
        idle[t.name] = _memory(t.root_pid)
    totals = {t.name: {"ok": 0, "errors": 0, "elapsed": 0.0, "cpu": 0.0} for t in targets}
    latencies: dict[str, list[float]] = {t.name: [] for t in targets}
    peak = {t.name: [idle[t.name][1], idle[t.name][2]] for t in targets}
    for r in range(rounds):
        for t in targets if r % 2 == 0 else list(reversed(targets)):
            done = threading.Event()

            def sample(t: Target = t, done: threading.Event = done) -> None:
                while not done.wait(0.5):
                    _, rss, pss = _memory(t.root_pid)
                    mine = peak[t.name]
                    mine[0], mine[1] = max(mine[0], rss), max(mine[1], pss)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            cpu0 = _cpu_seconds(t.root_pid)
            ok, lat, errors, elapsed = _load(
                t.url, t.host, seconds / rounds, clients, t.caller, t.runs
            )
            totals[t.name]["cpu"] += _cpu_seconds(t.root_pid) - cpu0
            totals[t.name]["elapsed"] += elapsed
            done.set()
            sampler.join()
            totals[t.name]["ok"] += ok
            totals[t.name]["errors"] += errors
            latencies[t.name] += lat
    results = []
    for t in targets:
        lat = sorted(latencies[t.name])
        n, idle_rss, idle_pss = idle[t.name]
        results.append(
            Result(
                name=t.name,
                requests_per_s=totals[t.name]["ok"] / totals[t.name]["elapsed"],
                cpu_ms_per_request=totals[t.name]["cpu"] / max(1, totals[t.name]["ok"]) * 1000,
                p50_ms=statistics.median(lat) * 1000,
                p95_ms=lat[int(len(lat) * 0.95)] * 1000,
                errors=int(totals[t.name]["errors"]),
                processes=n,
                idle_rss_mib=idle_rss / MIB,
                peak_rss_mib=peak[t.name][0] / MIB,
                idle_pss_mib=idle_pss / MIB,
                peak_pss_mib=peak[t.name][1] / MIB,
            )
        )
    return results


@contextlib.contextmanager
def backing_services(settings: Settings) -> Iterator[tuple[PostgresServer, GcsEmulator, str]]:
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


def iap_caller(google: GoogleStandIn, audience_prefix: str) -> Caller:
    """The load balancer's side (127.0.0.2), one signed assertion per client (a user each)."""
    assertions: dict[int, str] = {}

    def headers(index: int) -> dict[str, str]:
        if index not in assertions:
            assertions[index] = google.iap.assertion(
                email=f"bench-{index}@example.com",
                user_id=str(1000 + index),
                audience=f"{audience_prefix}4242424242424242",
            )
        return {"x-goog-iap-jwt-assertion": assertions[index]}

    return Caller(source="127.0.0.2", headers=headers)


@contextlib.contextmanager
def project_server(
    settings: Settings,
    manifests_dir: Path,
    pg: PostgresServer,
    gcs: GcsEmulator,
    google: GoogleStandIn,
    password: str,
    variant: dict[str, str],
    *,
    name: str,
    caller: Caller,
) -> Iterator[Target]:
    names = settings.names
    manifests = Manifests.load(manifests_dir)
    (deployment,) = manifests.of_kind("Deployment")
    pod = subject_pod(
        manifests,
        deployment,
        db_password=password,
        pg_port=pg.port,
        server_port=free_port(),
        gcs_url=gcs.url,
        extra_env={"IAP_KEYS_URL": google.keys_url},
        overrides=variant,
    )
    server: RunningContainer | None = None
    try:
        migrate = pod.run_to_completion(
            "db-migrate", wrapper=("/usr/bin/time", "-f", "maxrss_kib=%M")
        )
        if migrate.returncode:
            raise RuntimeError(migrate.stderr[-3000:])
        peak_kib = re.findall(r"^maxrss_kib=(\d+)$", migrate.stderr, flags=re.M)
        print(f"db-migrate, {name}: peak RSS {int(peak_kib[-1]) / 1024:.0f} MiB")
        server = pod.start("mlflow")
        port = int(server.container.env["MLFLOW_PORT"])
        url = f"http://127.0.0.1:{port}"
        wait_http_ok(f"{url}/health", timeout=120)
        host = f"{names.service}.{names.namespace}.svc.cluster.local:{settings.server.port}"
        yield Target(name, server.proc.pid, url, host, caller)
    finally:
        if server is not None:
            server.stop()
        pod.cleanup()


@contextlib.contextmanager
def default_server(settings: Settings, pg: PostgresServer, password: str) -> Iterator[Target]:
    from urllib.parse import quote

    names = settings.names
    uri = (
        f"postgresql+psycopg2://{names.db_user}:{quote(password, safe='')}"
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
            yield Target("mlflow server defaults", proc.pid, url, f"127.0.0.1:{port}", Caller())
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
    parser.add_argument(
        "--manifests", type=Path, help="A folder synthesized from tests/configs/e2e.yaml."
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="VAR=VALUE",
        help="Try a variant: override an env var of the project's containers (repeatable).",
    )
    parser.add_argument("--skip-default", action="store_true", help="Measure the project only.")
    parser.add_argument(
        "--rounds", type=int, default=4, help="Slices per server, taking turns (default 4)."
    )
    args = parser.parse_args()

    settings = subject_settings()
    audience_prefix = f"/projects/{settings.iap_project_number}/global/backendServices/"
    with contextlib.ExitStack() as stack:
        manifests = args.manifests or stack.enter_context(synthesized(settings))
        pg, gcs, password = stack.enter_context(backing_services(settings))
        google = stack.enter_context(google_standin())
        variant = dict(item.split("=", 1) for item in args.set)
        common = (settings, manifests, pg, gcs, google, password)
        targets = [
            stack.enter_context(
                project_server(
                    *common,
                    variant,
                    name="project, IAP + perms",
                    caller=iap_caller(google, audience_prefix),
                )
            ),
            stack.enter_context(
                project_server(
                    *common, {**variant, **AUTH_OFF}, name="project, auth off", caller=Caller()
                )
            ),
        ]
        if not args.skip_default:
            targets.append(stack.enter_context(default_server(settings, pg, password)))
        results = measure(targets, args.seconds, args.clients, args.rounds)
    iap, anonymous = results[0], results[1]
    print(
        f"log-metric load: {args.clients} keep-alive clients x {args.seconds:.0f} s, "
        f"{os.cpu_count()} CPUs"
    )
    header = (
        f"{'server':<24}{'req/s':>8}{'CPU ms':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}"
        f"{'procs':>6}"
        f"{'RSS idle':>10}{'RSS peak':>10}{'PSS idle':>10}{'PSS peak':>10}  (MiB)"
    )
    print(header)
    for r in results:
        print(
            f"{r.name:<24}{r.requests_per_s:>8.1f}{r.cpu_ms_per_request:>8.1f}{r.p50_ms:>8.1f}"
            f"{r.p95_ms:>8.1f}{r.errors:>7}"
            f"{r.processes:>6}{r.idle_rss_mib:>10.0f}{r.peak_rss_mib:>10.0f}"
            f"{r.idle_pss_mib:>10.0f}{r.peak_pss_mib:>10.0f}"
        )
    ratios = {"iap_vs_auth_off": iap.requests_per_s / anonymous.requests_per_s}
    print(
        f"throughput ratio IAP + permissions / auth off: {ratios['iap_vs_auth_off']:.2f}x "
        "(target >= 0.8x)"
    )
    ratios["cpu_iap_vs_auth_off"] = iap.cpu_ms_per_request / anonymous.cpu_ms_per_request
    print(
        f"server CPU per request, IAP + permissions / auth off: "
        f"{ratios['cpu_iap_vs_auth_off']:.2f}x"
    )
    if len(results) == 3:
        ratios["auth_off_vs_default"] = anonymous.requests_per_s / results[2].requests_per_s
        ratios["iap_vs_default"] = iap.requests_per_s / results[2].requests_per_s
        print(
            f"throughput ratio project/default: {ratios['iap_vs_default']:.2f}x with IAP, "
            f"{ratios['auth_off_vs_default']:.2f}x auth off (target >= 2x)"
        )
    print(
        f"peak memory, project with IAP: {iap.peak_rss_mib:.0f} MiB RSS, "
        f"{iap.peak_pss_mib:.0f} MiB PSS (target <= 600 MiB per pod)"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"ratios": ratios, "results": [asdict(r) for r in results]}, indent=2)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
