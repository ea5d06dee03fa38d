"""A database as the seed deployment left it: MLflow 1.27's schema, rows in 1.27's shape.

The seed (github.com/ImScientist/mlflow) ran mlflow==1.27.0 on Cloud SQL PostgreSQL 9.6, in the
`postgres` database as the `postgres` user, with `--default-artifact-root gs://BUCKET`. The
schema is built the way MLflow builds it (mlflow/store/db/utils.py `_initialize_tables`: the
initial tables, then alembic), with the migration scripts MLflow 3.17 ships, stopped at the head
revision of 1.27.0. The rows are what 1.27's SqlAlchemyStore wrote (mlflow 1.27.0,
mlflow/store/tracking/sqlalchemy_store.py): artifact_uri `<experiment location>/<run>/artifacts`,
experiment locations `<root>/<id>`, `runs.name` empty with the name in the `mlflow.runName`
tag, NaN metrics as value 0 with is_nan, and latest_metrics kept beside the history.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

# (detect-secrets takes the hex revision ids for keys: hence the pragmas.)
# The alembic revisions of mlflow 1.27.0, oldest first: mlflow/store/db_migrations/versions in
# its PyPI wheel (mlflow-1.27.0-py3-none-any.whl, the release the seed pinned). The head is the
# revision a 1.27 database's alembic_version holds.
MLFLOW_1_27_REVISIONS = (
    "451aebb31d03",  # pragma: allowlist secret (add metric step)
    "90e64c465722",  # pragma: allowlist secret (migrate user column to tags)
    "181f10493468",  # pragma: allowlist secret (allow nulls for metric values)
    "df50e92ffc5e",  # pragma: allowlist secret (add experiment tags table)
    "7ac759974ad8",  # pragma: allowlist secret (update run tags with larger limit)
    "89d4b8295536",  # pragma: allowlist secret (create latest metrics table)
    "2b4d017a5e9b",  # pragma: allowlist secret (add model registry tables to db)
    "cfd24bdc0731",  # pragma: allowlist secret (update run status constraint with killed)
    "0a8213491aaa",  # pragma: allowlist secret (drop duplicate killed constraint)
    "728d730b5ebd",  # pragma: allowlist secret (add registered model tags table)
    "27a6a02d2cf1",  # pragma: allowlist secret (add model version tags table)
    "84291f40a231",  # pragma: allowlist secret (add run link to model version)
    "a8c4a736bde6",  # pragma: allowlist secret (allow nulls for run_id)
    "39d1c3be5f05",  # pragma: allowlist secret (is_nan constraint for metrics tables)
    "c48cb773bb87",  # pragma: allowlist secret (reset is_nan default for mysql)
    "bd07f7e963c5",  # pragma: allowlist secret (create index on run_uuid)
)
MLFLOW_1_27_HEAD = MLFLOW_1_27_REVISIONS[-1]

OLD_BUCKET = "gs://seed-old-bucket"  # the seed's --default-artifact-root
OTHER_LOCATION = "gs://seed-other-bucket/custom"  # an experiment created with its own location
T0 = 1_656_000_000_000  # 2022-06-23, when 1.27 was current (ms)


@dataclass
class Run:
    run_id: str
    experiment_id: int
    name: str
    status: str
    user: str
    start: int
    end: int | None
    lifecycle: str = "active"
    params: dict[str, str] = field(default_factory=dict)
    # key -> [(step, timestamp, value)] in logging order; NaN is float("nan")
    metrics: dict[str, list[tuple[int, int, float]]] = field(default_factory=dict)
    extra_tags: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)  # artifact path -> content

    @property
    def tags(self) -> dict[str, str]:
        return {
            "mlflow.user": self.user,
            "mlflow.runName": self.name,
            "mlflow.source.name": "train.py",
            "mlflow.source.type": "LOCAL",
            **self.extra_tags,
        }

    def latest(self, key: str) -> tuple[int, int, float]:
        # 1.27's _update_latest_metrics_if_necessary: the greatest (step, timestamp, value).
        return max(self.metrics[key], key=lambda m: (m[0], m[1], _stored(m[2])))


@dataclass
class Experiment:
    experiment_id: int
    name: str
    location: str
    lifecycle: str = "active"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class ModelVersion:
    version: int
    run_id: str
    stage: str
    description: str
    tags: dict[str, str]


@dataclass
class Seed:
    experiments: list[Experiment]
    runs: list[Run]
    model_name: str
    model_description: str
    model_tags: dict[str, str]
    versions: list[ModelVersion]

    def experiment(self, experiment_id: int) -> Experiment:
        return next(e for e in self.experiments if e.experiment_id == experiment_id)

    def run(self, run_id: str) -> Run:
        return next(r for r in self.runs if r.run_id == run_id)

    def artifact_uri(self, run: Run) -> str:
        return f"{self.experiment(run.experiment_id).location}/{run.run_id}/artifacts"

    def source(self, version: ModelVersion) -> str:
        return f"{self.artifact_uri(self.run(version.run_id))}/model"


def _stored(value: float) -> float:
    return 0.0 if math.isnan(value) else value


def _history(start: int, values: list[float]) -> list[tuple[int, int, float]]:
    return [(step, start + 1000 * step, v) for step, v in enumerate(values)]


def seed() -> Seed:
    mlmodel = b"artifact_path: model\nflavors:\n  python_function:\n    loader_module: x\n"
    model_history = json.dumps(
        [{"run_id": "1" * 32, "artifact_path": "model", "utc_time_created": "2022-06-23"}]
    )
    runs = [
        Run(
            "1" * 32,
            1,
            "baseline",
            "FINISHED",
            "alice",
            T0,
            T0 + 60_000,
            params={"lr": "0.1", "max_depth": "5", "model": "gbm"},
            metrics={
                "loss": _history(T0, [0.9, 0.6, 0.45, 0.41, 0.4]),
                "auc": _history(T0, [0.81]),
                "val_loss": _history(T0, [0.95, float("nan"), 0.5]),
            },
            extra_tags={"mlflow.log-model.history": model_history, "team": "risk"},
            files={
                "model/MLmodel": mlmodel,
                "model/model.pkl": bytes(range(256)),
                "reports/summary.json": b'{"auc": 0.81}\n',
            },
        ),
        Run(
            "2" * 32,
            1,
            "deeper",
            "FAILED",
            "bob",
            T0 + 100_000,
            T0 + 130_000,
            params={"lr": "0.05", "max_depth": "9", "model": "gbm"},
            metrics={"loss": _history(T0 + 100_000, [1.2, 1.5, float("inf")])},
        ),
        Run("3" * 32, 1, "still-running", "RUNNING", "alice", T0 + 200_000, None),
        Run(
            "4" * 32,
            2,
            "old-idea",
            "KILLED",
            "carol",
            T0 - 86_400_000,
            T0 - 86_000_000,
            lifecycle="deleted",
            params={"lr": "1"},
        ),
        Run(
            "5" * 32,
            3,
            "elsewhere",
            "FINISHED",
            "dave",
            T0 + 300_000,
            T0 + 301_000,
            metrics={"rmse": _history(T0 + 300_000, [3.0, 2.5])},
            files={"notes.txt": b"artifacts in a custom location\n"},
        ),
    ]
    return Seed(
        experiments=[
            Experiment(0, "Default", f"{OLD_BUCKET}/0"),
            Experiment(
                1,
                "churn",
                f"{OLD_BUCKET}/1",
                tags={"owner": "risk-team", "mlflow.note.content": "Churn models"},
            ),
            Experiment(2, "abandoned", f"{OLD_BUCKET}/2", lifecycle="deleted"),
            Experiment(3, "custom-location", f"{OTHER_LOCATION}/3"),
        ],
        runs=runs,
        model_name="churn-classifier",
        model_description="Gradient-boosted churn model",
        model_tags={"owner": "risk-team"},
        versions=[
            ModelVersion(1, "1" * 32, "Archived", "first", {"validated": "false"}),
            ModelVersion(2, "1" * 32, "Production", "retrained", {"validated": "true"}),
        ],
    )


def build_schema(url: str) -> None:
    """MLflow's initial tables, then its shipped migrations up to 1.27's head revision."""
    import sqlalchemy
    from alembic import command
    from mlflow.store.db.utils import _get_alembic_config
    from mlflow.store.tracking.dbmodels.initial_models import Base as InitialBase

    engine = sqlalchemy.create_engine(url)
    try:
        InitialBase.metadata.create_all(engine)
        config = _get_alembic_config(url)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, MLFLOW_1_27_HEAD)
    finally:
        engine.dispose()


def insert(conn: Any, data: Seed) -> None:
    """The rows, as 1.27's store wrote them, through a DB-API connection (psycopg2 or 3)."""
    cur = conn.cursor()

    def rows(table: str, items: list[dict[str, Any]]) -> None:
        for item in items:
            cols = ", ".join(item)
            marks = ", ".join(["%s"] * len(item))
            cur.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(item.values()))  # noqa: S608

    rows(
        "experiments",
        [
            {
                "experiment_id": e.experiment_id,
                "name": e.name,
                "artifact_location": e.location,
                "lifecycle_stage": e.lifecycle,
            }
            for e in data.experiments
        ],
    )
    # As the serial column would have advanced (1.27 inserted through it).
    cur.execute(
        "SELECT setval('experiments_experiment_id_seq', "
        "(SELECT max(experiment_id) FROM experiments))"
    )
    rows(
        "experiment_tags",
        [
            {"key": k, "value": v, "experiment_id": e.experiment_id}
            for e in data.experiments
            for k, v in e.tags.items()
        ],
    )
    for r in data.runs:
        rows(
            "runs",
            [
                {
                    "run_uuid": r.run_id,
                    "name": "",
                    "source_type": "UNKNOWN",
                    "source_name": "",
                    "entry_point_name": "",
                    "user_id": r.user,
                    "status": r.status,
                    "start_time": r.start,
                    "end_time": r.end,
                    "source_version": "",
                    "lifecycle_stage": r.lifecycle,
                    "artifact_uri": data.artifact_uri(r),
                    "experiment_id": r.experiment_id,
                }
            ],
        )
        rows("params", [{"key": k, "value": v, "run_uuid": r.run_id} for k, v in r.params.items()])
        rows("tags", [{"key": k, "value": v, "run_uuid": r.run_id} for k, v in r.tags.items()])
        rows(
            "metrics",
            [
                {
                    "key": key,
                    "value": _stored(_finite(v)),
                    "timestamp": ts,
                    "step": step,
                    "is_nan": math.isnan(v),
                    "run_uuid": r.run_id,
                }
                for key, history in r.metrics.items()
                for step, ts, v in history
            ],
        )
        rows(
            "latest_metrics",
            [
                {
                    "key": key,
                    "value": _stored(_finite(latest[2])),
                    "timestamp": latest[1],
                    "step": latest[0],
                    "is_nan": math.isnan(latest[2]),
                    "run_uuid": r.run_id,
                }
                for key in r.metrics
                for latest in [r.latest(key)]
            ],
        )
    created = T0 + 400_000
    rows(
        "registered_models",
        [
            {
                "name": data.model_name,
                "creation_time": created,
                "last_updated_time": created + len(data.versions),
                "description": data.model_description,
            }
        ],
    )
    rows(
        "registered_model_tags",
        [{"key": k, "value": v, "name": data.model_name} for k, v in data.model_tags.items()],
    )
    for v in data.versions:
        rows(
            "model_versions",
            [
                {
                    "name": data.model_name,
                    "version": v.version,
                    "creation_time": created + v.version,
                    "last_updated_time": created + v.version,
                    "description": v.description,
                    "user_id": None,
                    "current_stage": v.stage,
                    "source": data.source(v),
                    "run_id": v.run_id,
                    "run_link": "",
                    "status": "READY",
                    "status_message": None,
                }
            ],
        )
        rows(
            "model_version_tags",
            [
                {"key": k, "value": val, "name": data.model_name, "version": v.version}
                for k, val in v.tags.items()
            ],
        )
    cur.close()


def _finite(value: float) -> float:
    """1.27 stored +/-inf as the largest finite doubles (SQL has no infinity)."""
    if math.isinf(value):
        return math.copysign(1.7976931348623157e308, value)
    return value
