"""syrupy extensions: one pretty-printed file per artifact, stable key order, no paths."""

from __future__ import annotations

import json
from typing import Any

import yaml
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode


class JsonSnapshot(SingleFileSnapshotExtension):
    """A Terraform JSON document, keys sorted, two-space indent."""

    file_extension = "json"
    _write_mode = WriteMode.TEXT

    def serialize(self, data: Any, **_: Any) -> str:
        return json.dumps(data, indent=2, sort_keys=True) + "\n"


class YamlSnapshot(SingleFileSnapshotExtension):
    """A list of Kubernetes objects as one multi-document YAML file, in synth order."""

    file_extension = "yaml"
    _write_mode = WriteMode.TEXT

    def serialize(self, data: Any, **_: Any) -> str:
        # No line folding: one value per line, as in dist/, so review marks stay on their line.
        return yaml.safe_dump_all(
            data, sort_keys=False, default_flow_style=False, width=float("inf")
        )
