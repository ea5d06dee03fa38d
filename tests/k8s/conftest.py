"""The fixture environments' charts, synthesized once a session (tests/conftest.py)."""

from __future__ import annotations

import pytest

from settings import Settings
from tests.support.charts import Objects, Synth


@pytest.fixture(scope="module")
def gke(k8s_synth: Synth, gke_settings: Settings) -> Objects:
    return k8s_synth(gke_settings)


@pytest.fixture(scope="module")
def local(k8s_synth: Synth, local_settings: Settings) -> Objects:
    return k8s_synth(local_settings)


@pytest.fixture(scope="module")
def keyed(k8s_synth: Synth, keyed_settings: Settings) -> Objects:
    return k8s_synth(keyed_settings)


@pytest.fixture(scope="module", params=["gke", "local", "keyed"])
def env(request: pytest.FixtureRequest) -> tuple[Settings, Objects]:
    name = request.param
    return request.getfixturevalue(f"{name}_settings"), request.getfixturevalue(name)
