"""Reading synthesized charts (tests/conftest.py's k8s_synth: {chart id: [objects]}): every
object, the one of a kind, the server's pod, its containers and its ConfigMap."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from settings import Settings

Objects = dict[str, list[dict[str, Any]]]
Synth = Callable[[Settings], Objects]


def every(objects: Objects) -> Iterator[dict[str, Any]]:
    for docs in objects.values():
        yield from docs


def one(objects: Objects, kind: str) -> dict[str, Any]:
    found = [o for o in every(objects) if o["kind"] == kind]
    assert len(found) == 1, f"{len(found)} {kind} objects"
    return found[0]


def pod_spec(objects: Objects) -> dict[str, Any]:
    return one(objects, "Deployment")["spec"]["template"]["spec"]


def containers(pod: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in [*pod["initContainers"], *pod["containers"]]}


def config(objects: Objects) -> dict[str, str]:
    """The server's ConfigMap (the one its containers take their environment from)."""
    spec = pod_spec(objects)
    (name,) = {
        s["configMapRef"]["name"] for c in containers(spec).values() for s in c.get("envFrom", [])
    }
    (found,) = [
        o for o in every(objects) if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name
    ]
    return dict(found["data"])
