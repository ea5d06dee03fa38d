"""The whole synthesized cdk.tf.json of each fixture environment, reviewed as a diff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from settings import Settings
from tests.support.configs import FIXTURE_ENVS


@pytest.mark.parametrize("env", FIXTURE_ENVS)
def test_stack(
    env: str,
    request: pytest.FixtureRequest,
    tf_synth: Callable[[Settings], dict[str, Any]],
    json_snapshot: SnapshotAssertion,
) -> None:
    assert tf_synth(request.getfixturevalue(f"{env}_settings")) == json_snapshot
