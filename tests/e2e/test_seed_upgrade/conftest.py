"""The seed deployment moved onto this stack once for the package's tests (upgrade.py): its
database restored and upgraded, the server started on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Cluster
from tests.e2e.test_seed_upgrade.upgrade import Upgraded, upgrade
from tests.support.net import cluster_dns


@pytest.fixture(scope="package")
def upgraded(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upgraded]:
    with upgrade(cluster, tmp_path_factory.mktemp("seed-dump")) as moved:
        yield moved


@pytest.fixture
def client(upgraded: Upgraded, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", upgraded.tracking_uri)
    with cluster_dns(upgraded.dns):
        yield upgraded.client()
