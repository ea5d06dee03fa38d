"""The whole synthesized cdk.tf.json of each profile, reviewed as a diff on every change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from syrupy.assertion import SnapshotAssertion

from settings import Settings


def test_dev_stack(
    tf_synth: Callable[[Settings], dict[str, Any]],
    dev_settings: Settings,
    json_snapshot: SnapshotAssertion,
) -> None:
    assert tf_synth(dev_settings) == json_snapshot


def test_local_stack(
    tf_synth: Callable[[Settings], dict[str, Any]],
    local_settings: Settings,
    json_snapshot: SnapshotAssertion,
) -> None:
    assert tf_synth(local_settings) == json_snapshot
