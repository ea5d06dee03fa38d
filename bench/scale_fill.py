"""tracking_scale's data: runs COPYed into MLflow's tables, in the shape MLflow writes them.

Experiments of RUNS_PER_EXPERIMENT runs each, filled in sweeps of SWEEP runs that take turns;
each run with 5 params, 5 tags and 3 metrics, one of them with a HISTORY-step history
(latest_metrics kept as MLflow keeps it).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from tests.support.postgres import PostgresServer

# More runs come with more experiments, not bigger ones: each holds RUNS_PER_EXPERIMENT runs.
RUNS_PER_EXPERIMENT = 1000
HISTORY = 10  # steps of the `loss` metric
# Runs come in sweeps: SWEEP runs in a row into one experiment, the experiments taking turns.
SWEEP = 100
MODELS = ("gbm", "linear", "forest")
USERS = tuple(f"user{i:02d}" for i in range(20))
T0 = 1_700_000_000_000


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
