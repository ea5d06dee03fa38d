"""The project's additions to MLflow's schema, applied by `db upgrade` after MLflow's migrations.

Measured with bench/tracking_scale.py
(docs/performance.md#performance-at-scale-10000-and-100000-runs): without them a runs
search reads whole tables once an instance holds many runs.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from mlflow_entrypoint.contract import PROGRAM

_log = logging.getLogger(PROGRAM)


@dataclass(frozen=True)
class ProjectIndex:
    """An index MLflow's schema lacks, added after its migrations (bench/tracking_scale.py)."""

    name: str  # project-prefixed, so that it never collides with one MLflow may add later
    table: str
    columns: tuple[str, ...]

    @property
    def ddl(self) -> str:
        return f"CREATE INDEX IF NOT EXISTS {self.name} ON {self.table} ({', '.join(self.columns)})"


PROJECT_INDEXES = (
    # runs.experiment_id is a foreign key, which PostgreSQL does not index by itself (MLflow
    # indexed the run_uuid ones only: mlflow/mlflow#3785, #5443). Every runs/search is
    # `WHERE experiment_id IN (...)`: without it each search reads the whole runs table.
    ProjectIndex("mlflow_entrypoint_runs_experiment_id", "runs", ("experiment_id",)),
)
# Session defaults of the role MLflow connects as (ALTER ROLE CURRENT_USER SET: any role may
# set its own). random_page_cost: PostgreSQL's 4 models spinning disks; its docs suggest 1.1
# for SSDs, which Cloud SQL runs on. With 4, a filtered runs/search of one experiment scans
# latest_metrics whole instead of looking its runs up (bench/tracking_scale.py).
PROJECT_SETTINGS = (("random_page_cost", "1.1"),)


def apply_project_tuning(engine: Any) -> None:
    """PROJECT_INDEXES where missing and PROJECT_SETTINGS (idempotent; the caller holds the
    migration lock). A plain CREATE INDEX blocks writes to its table while it builds: well
    under a second for 100,000 runs, once. The settings apply to new sessions."""
    import sqlalchemy

    with engine.begin() as conn:
        for index in PROJECT_INDEXES:
            conn.execute(sqlalchemy.text(index.ddl))
        # The login's own defaults (a session acting as the owner role, DB_OWNER_ROLE, sets
        # them on the login, not on that NOLOGIN role): back to the login for this transaction.
        conn.execute(sqlalchemy.text("SET LOCAL ROLE NONE"))
        for name, value in PROJECT_SETTINGS:
            conn.execute(sqlalchemy.text(f"ALTER ROLE CURRENT_USER SET {name} = {value}"))
    _log.info(
        "project tuning applied: indexes %s; settings %s",
        ", ".join(i.name for i in PROJECT_INDEXES),
        ", ".join(f"{n}={v}" for n, v in PROJECT_SETTINGS),
    )
