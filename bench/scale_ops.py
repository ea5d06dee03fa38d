"""tracking_scale's calls: the reads the UI and the client make most, timed one keep-alive client
at a time with the database's own time per call (pg_stat_statements); the write path, clients
posting log-batch back to back; and a sample of the filled runs read back through the API."""

from __future__ import annotations

import http.client
import json
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from bench.scale_fill import HISTORY
from bench.subject import Server
from tests.support.postgres import PostgresServer

READS = ("search (UI list)", "search (filter+order)", "get run", "metric history")


class Client:
    """One keep-alive HTTP connection, as a client process or a browser tab keeps one."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.conn = http.client.HTTPConnection(server.url.removeprefix("http://"), timeout=120)
        self.headers = {"Host": server.host, "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, body=data, headers=self.headers)
        resp = self.conn.getresponse()
        payload = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{method} {path}: {resp.status} {payload[:300]!r}")
        return json.loads(payload)

    def close(self) -> None:
        self.conn.close()


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {"p50": statistics.median(ordered) * 1000, "p95": p95 * 1000}


def read_ops(
    experiment_id: str, run_ids: list[str]
) -> dict[str, Callable[[Client, random.Random], Any]]:
    def ui_list(c: Client, _: random.Random) -> Any:
        body = {
            "experiment_ids": [experiment_id],
            "run_view_type": "ACTIVE_ONLY",
            "max_results": 100,
            "order_by": ["attributes.start_time DESC"],
        }
        return c.call("POST", "/ajax-api/2.0/mlflow/runs/search", body)

    def filtered(c: Client, _: random.Random) -> Any:
        body = {
            "experiment_ids": [experiment_id],
            "filter": "params.model = 'gbm' and metrics.loss < 0.5",
            "run_view_type": "ACTIVE_ONLY",
            "max_results": 100,
            "order_by": ["metrics.loss ASC"],
        }
        return c.call("POST", "/api/2.0/mlflow/runs/search", body)

    def get_run(c: Client, rng: random.Random) -> Any:
        query = urlencode({"run_id": rng.choice(run_ids)})
        return c.call("GET", f"/api/2.0/mlflow/runs/get?{query}")

    def history(c: Client, rng: random.Random) -> Any:
        query = urlencode({"run_id": rng.choice(run_ids), "metric_key": "loss"})
        return c.call("GET", f"/api/2.0/mlflow/metrics/get-history?{query}")

    return dict(zip(READS, (ui_list, filtered, get_run, history), strict=True))


def _db_time_ms(pg: PostgresServer, database: str) -> float:
    """Execution time the database spent on `database`'s statements since the last reset."""
    ((total,),) = pg.query(
        "postgres",
        "SELECT coalesce(sum(total_exec_time), 0) FROM pg_stat_statements s "
        "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = %s",
        database,
    )
    return float(total)


def measure_reads(
    server: Server,
    ops: dict[str, Callable[..., Any]],
    samples: int,
    pg: PostgresServer,
    database: str,
) -> dict[str, dict[str, float]]:
    client = Client(server)
    rng = random.Random(11)  # noqa: S311
    found: dict[str, dict[str, float]] = {}
    try:
        for name, op in ops.items():
            for _ in range(3):  # warm-up: caches, prepared plans, the first page of the table
                op(client, rng)
            pg.query("postgres", "SELECT pg_stat_statements_reset()")
            times = []
            for _ in range(samples):
                t0 = time.perf_counter()
                op(client, rng)
                times.append(time.perf_counter() - t0)
            found[name] = {**_percentiles(times), "db": _db_time_ms(pg, database) / samples}
    finally:
        client.close()
    return found


def measure_writes(
    server: Server, experiment_id: str, clients: int, seconds: float
) -> tuple[float, dict[str, float], int]:
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    lock = threading.Lock()
    start_barrier = threading.Barrier(clients + 1)

    def client() -> None:
        c = Client(server)
        run = c.call(
            "POST",
            "/api/2.0/mlflow/runs/create",
            {"experiment_id": experiment_id, "start_time": int(time.time() * 1000)},
        )
        run_id = run["run"]["info"]["run_id"]
        mine, ok, bad, step = [], 0, 0, 0
        start_barrier.wait()
        stop = time.monotonic() + seconds
        while time.monotonic() < stop:
            now = int(time.time() * 1000)
            body = {
                "run_id": run_id,
                "metrics": [
                    {"key": f"m{k}", "value": 1.0 / (step + 1 + k), "timestamp": now, "step": step}
                    for k in range(5)
                ],
            }
            t0 = time.perf_counter()
            try:
                c.call("POST", "/api/2.0/mlflow/runs/log-batch", body)
                ok += 1
            except RuntimeError as exc:
                bad += 1
                if bad <= 2:
                    print(f"  {exc}", file=sys.stderr)
            mine.append(time.perf_counter() - t0)
            step += 1
        c.close()
        with lock:
            latencies.extend(mine)
            counts["ok"] += ok
            counts["errors"] += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    start_barrier.wait()
    t0 = time.monotonic()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    return counts["ok"] / elapsed, _percentiles(latencies), counts["errors"]


def check_sample(server: Server, pg: PostgresServer, database: str, run_ids: list[str]) -> None:
    """A few filled runs through the REST API equal what was written (the fill's shape is one
    MLflow reads)."""
    client = Client(server)
    try:
        for run_id in random.Random(3).sample(run_ids, 5):  # noqa: S311
            run = client.call("GET", f"/api/2.0/mlflow/runs/get?{urlencode({'run_id': run_id})}")
            data = run["run"]["data"]
            params = {p["key"]: p["value"] for p in data["params"]}
            want = dict(
                pg.query(database, "SELECT key, value FROM params WHERE run_uuid = %s", run_id)
            )
            assert params == want, (params, want)
            latest = {m["key"]: m["step"] for m in data["metrics"]}
            assert latest == {"loss": HISTORY - 1, "accuracy": 0, "f1": 0}, latest
            query = urlencode({"run_id": run_id, "metric_key": "loss"})
            history = client.call("GET", f"/api/2.0/mlflow/metrics/get-history?{query}")
            assert [m["step"] for m in history["metrics"]] == list(range(HISTORY)), history
            assert run["run"]["info"]["run_name"].startswith("run-"), run["run"]["info"]
    finally:
        client.close()
