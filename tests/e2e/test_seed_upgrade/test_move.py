"""The seed's database moved (docs/seed.md, steps 1 to 5): migrated, not
created, and every row read back through the MLflow API."""

from __future__ import annotations

import math
from typing import Any

import pytest

from tests.e2e.seed_127 import MLFLOW_1_27_HEAD
from tests.e2e.test_seed_upgrade.upgrade import EMPTY_SQL, Upgraded, client_tool, conninfo

pytestmark = pytest.mark.e2e


def test_the_restored_database_was_migrated_not_created(upgraded: Upgraded) -> None:
    assert "empty database: creating the schema" in upgraded.log["fresh migrate"]
    assert "empty database" not in upgraded.log["migrate"]
    assert (
        f"schema at revision {MLFLOW_1_27_HEAD} of an older MLflow: migrating it to the head"
        in upgraded.log["migrate"]
    )
    assert "schema is at the head revision" in upgraded.log["migrate"]
    from mlflow.store.db.utils import _get_latest_schema_revision

    ((revision,),) = upgraded.new.query(
        upgraded.database, "SELECT version_num FROM alembic_version"
    )
    assert revision == _get_latest_schema_revision()
    # --no-owner: the restored tables belong to the user MLflow connects as, not to `postgres`;
    # db-migrate then hands them to the owner role every login of MLflow is a member of.
    owners = upgraded.new.query(
        upgraded.database, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
    )
    assert owners == [(f"{upgraded.database}_owner",)]  # settings/names.py db_owner_role


def test_empty_new_database_refuses_a_database_with_data(upgraded: Upgraded) -> None:
    tables = upgraded.new.query(upgraded.database, "SELECT count(*) FROM pg_tables")
    refused = client_tool(
        "psql",
        *conninfo(upgraded.new, upgraded.user, upgraded.database),
        "-v",
        "ON_ERROR_STOP=1",
        "-f",
        str(EMPTY_SQL),
        password=upgraded.password,
    )
    assert refused.returncode != 0
    assert "already holds MLflow data: nothing dropped" in refused.stderr
    assert upgraded.new.query(upgraded.database, "SELECT count(*) FROM pg_tables") == tables


# -- every row, through the MLflow API -------------------------------------------------------


def test_experiments_read_back(client: Any, upgraded: Upgraded) -> None:
    from mlflow.entities import ViewType

    found = {e.experiment_id: e for e in client.search_experiments(view_type=ViewType.ALL)}
    assert set(found) == {str(e.experiment_id) for e in upgraded.data.experiments}
    for want in upgraded.data.experiments:
        got = found[str(want.experiment_id)]
        assert (got.name, got.lifecycle_stage) == (want.name, want.lifecycle)
        assert got.tags == want.tags
        assert client.get_experiment(got.experiment_id).name == want.name


def test_runs_read_back(client: Any, upgraded: Upgraded) -> None:
    from mlflow.entities import ViewType

    data = upgraded.data
    found = {
        r.info.run_id: r
        for r in client.search_runs(
            [str(e.experiment_id) for e in data.experiments], run_view_type=ViewType.ALL
        )
    }
    assert set(found) == {r.run_id for r in data.runs}
    for want in data.runs:
        got = client.get_run(want.run_id)
        info = got.info
        assert info.experiment_id == str(want.experiment_id)
        assert (info.status, info.lifecycle_stage) == (want.status, want.lifecycle)
        assert (info.start_time, info.end_time) == (want.start, want.end)
        assert info.user_id == want.user
        # 1.27 kept the name in the mlflow.runName tag only (runs.name was ""); 3.17 reads it
        # from there when the column is empty.
        assert info.run_name == want.name
        assert got.data.params == want.params
        assert got.data.tags == want.tags
        latest = {k: _api_value(want.latest(k)[2]) for k in want.metrics}
        assert _same(got.data.metrics, latest)


def test_metric_histories_read_back(client: Any, upgraded: Upgraded) -> None:
    for run in upgraded.data.runs:
        for key, history in run.metrics.items():
            got = client.get_metric_history(run.run_id, key)
            assert [(m.step, m.timestamp) for m in got] == [(s, t) for s, t, _ in history]
            assert _same([m.value for m in got], [_api_value(v) for _, _, v in history])


def test_registered_model_and_versions_read_back(client: Any, upgraded: Upgraded) -> None:
    data = upgraded.data
    (model,) = client.search_registered_models()
    assert (model.name, model.description, model.tags) == (
        data.model_name,
        data.model_description,
        data.model_tags,
    )
    for want in data.versions:
        got = client.get_model_version(data.model_name, str(want.version))
        assert (got.run_id, got.current_stage, got.description, got.status) == (
            want.run_id,
            want.stage,
            want.description,
            "READY",
        )
        assert got.tags == want.tags


def test_old_runs_are_found_by_name_filter_and_order(client: Any, upgraded: Upgraded) -> None:
    runs = client.search_runs(
        ["1"], filter_string="attributes.run_name = 'baseline'", order_by=["metrics.loss ASC"]
    )
    assert [r.info.run_id for r in runs] == ["1" * 32]
    ordered = client.search_runs(
        ["1"], filter_string="params.model = 'gbm'", order_by=["params.lr DESC"]
    )
    assert [r.data.params["lr"] for r in ordered] == ["0.1", "0.05"]


def test_new_experiments_continue_after_the_old_ids(client: Any, upgraded: Upgraded) -> None:
    new_id = client.create_experiment("after-the-move")
    assert int(new_id) > max(e.experiment_id for e in upgraded.data.experiments)
    assert client.get_experiment(new_id).artifact_location == f"mlflow-artifacts:/{new_id}"


def test_stages_still_read_but_are_deprecated(client: Any, upgraded: Upgraded) -> None:
    """Model registry stages (1.27's way to promote a model) still read back in 3.17, with a
    FutureWarning: aliases replace them."""
    with pytest.warns(FutureWarning, match="[Ss]tage"):
        latest = client.get_latest_versions(upgraded.data.model_name, stages=["Production"])
    assert [v.version for v in latest] == ["2"]


def _api_value(value: float) -> float:
    """What 1.27 stored (and so what the API returns): inf as the largest finite double."""
    if math.isinf(value):
        return math.copysign(1.7976931348623157e308, value)
    return value


def _same(got: Any, want: Any) -> bool:
    def norm(v: Any) -> Any:
        return "nan" if isinstance(v, float) and math.isnan(v) else v

    if isinstance(got, dict):
        return {k: norm(v) for k, v in got.items()} == {k: norm(v) for k, v in want.items()}
    return [norm(v) for v in got] == [norm(v) for v in want]
