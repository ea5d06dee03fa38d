"""MLflow's evaluation-dataset APIs work against the server as the project configures it.

`add_dataset_to_experiments` (and what is built on it) runs
`experiments.experiment_id IN (<string ids>)`. With psycopg 3, SQLAlchemy renders that as
`IN ($1::VARCHAR)` and PostgreSQL refuses it ("operator does not exist: integer = character
varying"); the image therefore runs psycopg2 (mlflow_entrypoint.backend, DRIVER).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from mlflow_entrypoint.backend import DRIVER

from tests.e2e.conftest import Cluster
from tests.support.net import cluster_dns

pytestmark = pytest.mark.e2e


@pytest.fixture
def client(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from mlflow import MlflowClient

    # EvaluationDataset.experiment_ids loads lazily through the *global* tracking store, not
    # the client's; without this it would open (and create) a local ./mlflow.db.
    monkeypatch.setenv("MLFLOW_TRACKING_URI", cluster.tracking_uri)
    with cluster_dns(cluster.dns):
        yield MlflowClient(tracking_uri=cluster.tracking_uri)


def _experiments(client: Any, n: int) -> list[str]:
    tag = uuid.uuid4().hex[:8]
    return [client.create_experiment(f"datasets-{tag}-{i}") for i in range(n)]


def _in_experiment(client: Any, experiment_id: str) -> set[str]:
    return {d.dataset_id for d in client.search_datasets(experiment_ids=[experiment_id])}


def test_dataset_added_to_several_experiments_and_removed(client: Any) -> None:
    first, second, third = _experiments(client, 3)
    dataset = client.create_dataset(name=f"qa-{uuid.uuid4().hex[:8]}", experiment_id=[first])
    ds_id = dataset.dataset_id

    added = client.add_dataset_to_experiments(ds_id, [second, third])
    assert set(added.experiment_ids) == {first, second, third}
    assert set(client.get_dataset(ds_id).experiment_ids) == {first, second, third}
    for exp in (first, second, third):
        assert ds_id in _in_experiment(client, exp)

    # Adding again is a no-op, not a duplicate association.
    again = client.add_dataset_to_experiments(ds_id, [second])
    assert sorted(again.experiment_ids) == sorted([first, second, third])

    removed = client.remove_dataset_from_experiments(ds_id, [second])
    assert set(removed.experiment_ids) == {first, third}
    assert ds_id not in _in_experiment(client, second)
    assert ds_id in _in_experiment(client, third)


def test_dataset_records_survive_the_moves(client: Any) -> None:
    """The fluent API (mlflow.genai.datasets) on the same server: records stay with the
    dataset while its experiments change."""
    from mlflow.genai import datasets

    first, second = _experiments(client, 2)
    dataset = datasets.create_dataset(name=f"eval-{uuid.uuid4().hex[:8]}", experiment_id=first)
    dataset.merge_records(
        [
            {"inputs": {"question": "2+2?"}, "expectations": {"answer": "4"}},
            {"inputs": {"question": "capital of France?"}, "expectations": {"answer": "Paris"}},
        ]
    )
    datasets.add_dataset_to_experiments(dataset.dataset_id, [second])
    datasets.remove_dataset_from_experiments(dataset.dataset_id, [first])
    reloaded = datasets.get_dataset(dataset_id=dataset.dataset_id)
    assert set(reloaded.experiment_ids) == {second}
    questions = {r["question"] for r in reloaded.to_df()["inputs"]}
    assert questions == {"2+2?", "capital of France?"}


def test_unknown_experiment_is_refused(cluster: Cluster, client: Any) -> None:
    """Refused cleanly, not a database error (500). With IAP identities on, MLflow's auth app
    decides first: an experiment nobody granted has the default permission (READ), short of
    the EDIT this needs, so it answers 403 whether or not the experiment exists (no probing
    for ids); with the auth mode off, the store's 404."""
    from mlflow.exceptions import MlflowException

    (exp,) = _experiments(client, 1)
    dataset = client.create_dataset(name=f"qa-{uuid.uuid4().hex[:8]}", experiment_id=[exp])
    with pytest.raises(MlflowException) as err:
        client.add_dataset_to_experiments(dataset.dataset_id, ["987654321"])
    auth = cluster.settings.auth
    expected = "PERMISSION_DENIED" if auth.enabled else "RESOURCE_DOES_NOT_EXIST"
    assert err.value.error_code == expected, err.value
    assert set(client.get_dataset(dataset.dataset_id).experiment_ids) == {exp}


def test_psycopg3_is_why_the_image_runs_psycopg2(cluster: Cluster) -> None:
    """The driver choice's reason, kept honest: the same call through psycopg 3 still fails on
    MLflow 3.17. When this test fails, MLflow (or SQLAlchemy) fixed it and psycopg 3 may be
    reconsidered."""
    from mlflow.exceptions import MlflowException
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    assert DRIVER == "postgresql+psycopg2"
    names = cluster.settings.names
    env = cluster.pod.resolve("db-migrate").env
    uri = (
        f"postgresql+psycopg://{quote(names.db_user, safe='')}:{quote(cluster.password, safe='')}"
        f"@{env['DB_HOST']}:{env['DB_PORT']}/{quote(names.database, safe='')}"
    )
    store = SqlAlchemyStore(uri, "mlflow-artifacts:/unused")
    try:
        first = store.create_experiment(f"psycopg3-{uuid.uuid4().hex[:8]}")
        second = store.create_experiment(f"psycopg3-{uuid.uuid4().hex[:8]}")
        dataset = store.create_dataset(name=f"qa-{uuid.uuid4().hex[:8]}", experiment_ids=[first])
        with pytest.raises(MlflowException, match="integer = character varying"):
            store.add_dataset_to_experiments(dataset.dataset_id, [second])
    finally:
        store.engine.dispose()
