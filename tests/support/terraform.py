"""Reading a synthesized cdk.tf.json: its resources by type, the one of a type, a reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from settings import Settings

Doc = dict[str, Any]
# tests/conftest.py's tf_synth: an environment's settings -> its stack's JSON.
Synth = Callable[[Settings], Doc]


def res(doc: Doc, type_: str) -> dict[str, dict[str, Any]]:
    return doc.get("resource", {}).get(type_, {})


def one(doc: Doc, type_: str) -> dict[str, Any]:
    found = res(doc, type_)
    assert len(found) == 1, f"expected one {type_}, found {sorted(found)}"
    return next(iter(found.values()))


def ref(type_: str, doc: Doc, attr: str) -> str:
    """The Terraform reference to the one `type_` resource's attribute."""
    (address,) = res(doc, type_)
    return f"${{{type_}.{address}.{attr}}}"
