"""server_perf's load and what it measures while the load runs: N keep-alive clients posting
log-metric back to back; the server's whole process tree's CPU time, RSS and PSS."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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
