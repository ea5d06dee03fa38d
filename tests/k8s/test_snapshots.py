"""One reviewed snapshot per fixture environment: every object of every chart, in apply order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from k8s.review import mark_known_false_positives
from settings import Settings
from tests.support.configs import FIXTURE_ENVS
from tests.support.snapshots import YamlSnapshot


class MarkedYamlSnapshot(YamlSnapshot):
    """The shared YAML snapshot, with API field names marked as dist/ has them."""

    def serialize(self, data: Any, **kwargs: Any) -> str:
        return mark_known_false_positives(super().serialize(data, **kwargs))


@pytest.mark.parametrize("env", FIXTURE_ENVS)
def test_k8s_snapshot(
    env: str,
    request: pytest.FixtureRequest,
    k8s_synth: Callable[[Settings], dict[str, list[dict[str, Any]]]],
    snapshot: SnapshotAssertion,
) -> None:
    charts = k8s_synth(request.getfixturevalue(f"{env}_settings"))
    objects = [obj for chart_id in sorted(charts) for obj in charts[chart_id]]
    assert not [o for o in objects if o["kind"] == "Secret"]  # nothing secret is synthesized
    assert snapshot.use_extension(MarkedYamlSnapshot) == objects
