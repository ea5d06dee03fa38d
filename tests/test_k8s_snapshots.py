"""One reviewed snapshot per environment: every object of every chart, in apply order."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from k8s.review import mark_known_false_positives
from settings import Settings
from tests.snapshots import YamlSnapshot


class MarkedYamlSnapshot(YamlSnapshot):
    """The shared YAML snapshot, with API field names marked as dist/ has them."""

    def serialize(self, data: Any, **kwargs: Any) -> str:
        return mark_known_false_positives(super().serialize(data, **kwargs))


REDACTED = "<redacted: read from config/local.yaml's files at synth time>"


def _redact(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Secret values never land in a tracked file; test_k8s_manifests checks the real ones."""
    out = copy.deepcopy(objects)
    for obj in out:
        if obj["kind"] == "Secret":
            for field in ("data", "stringData"):
                if field in obj:
                    obj[field] = dict.fromkeys(obj[field], REDACTED)
    return out


@pytest.mark.parametrize("env", ["dev", "local"])
def test_k8s_snapshot(
    env: str,
    request: pytest.FixtureRequest,
    k8s_synth: Callable[[Settings], dict[str, list[dict[str, Any]]]],
    snapshot: SnapshotAssertion,
) -> None:
    charts = k8s_synth(request.getfixturevalue(f"{env}_settings"))
    objects = [obj for chart_id in sorted(charts) for obj in charts[chart_id]]
    assert snapshot.use_extension(MarkedYamlSnapshot) == _redact(objects)
