"""The fixture environments' Terraform JSON, synthesized once a session (tests/conftest.py)."""

from __future__ import annotations

import pytest

from settings import Settings
from tests.support.terraform import Doc, Synth


@pytest.fixture(scope="module")
def gke(tf_synth: Synth, gke_settings: Settings) -> Doc:
    return tf_synth(gke_settings)


@pytest.fixture(scope="module")
def local(tf_synth: Synth, local_settings: Settings) -> Doc:
    return tf_synth(local_settings)


@pytest.fixture(scope="module")
def keyed(tf_synth: Synth, keyed_settings: Settings) -> Doc:
    return tf_synth(keyed_settings)


@pytest.fixture(params=["gke", "local", "keyed"])
def env(request: pytest.FixtureRequest) -> tuple[Settings, Doc]:
    name = request.param
    return request.getfixturevalue(f"{name}_settings"), request.getfixturevalue(name)
