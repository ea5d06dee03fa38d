"""The objects of a folder of synthesized manifests (dist/), and Kubernetes' own rules for
reading them ($(VAR) expansion, a workload's pod template)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Manifests:
    """The objects in a folder of synthesized manifests (dist/), by kind."""

    objects: list[dict[str, Any]]

    @classmethod
    def load(cls, folder: Path) -> Manifests:
        objects: list[dict[str, Any]] = []
        for path in sorted(folder.glob("*.yaml")):
            objects += [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
        return cls(objects)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [o for o in self.objects if o.get("kind") == kind]

    def one(self, kind: str, name: str | None = None) -> dict[str, Any]:
        found = [o for o in self.of_kind(kind) if name is None or o["metadata"]["name"] == name]
        if len(found) != 1:
            raise LookupError(
                f"expected one {kind} {name or ''} in the manifests, got {len(found)}"
            )
        return found[0]

    def config_map(self, name: str) -> dict[str, str]:
        return dict(self.one("ConfigMap", name).get("data", {}))


_VAR_REF = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)|\$\$")


def expand(value: str, env: Mapping[str, str]) -> str:
    """Kubernetes' $(VAR) expansion: defined names expand, others stay as written, $$ is $."""

    def sub(m: re.Match[str]) -> str:
        if m[0] == "$$":
            return "$"
        return env.get(m[1], m[0])

    return _VAR_REF.sub(sub, value)


def pod_template(workload: dict[str, Any]) -> dict[str, Any]:
    """The pod template of a Deployment, Job or CronJob (`spec.jobTemplate.spec.template`)."""
    spec = workload["spec"]
    if workload.get("kind") == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return dict(spec["template"])


def container_port_of(deployment: dict[str, Any], service: dict[str, Any]) -> tuple[int, int]:
    """The Service's port and the container port it targets (a named targetPort resolved)."""
    port = service["spec"]["ports"][0]
    target = port.get("targetPort", port["port"])
    if isinstance(target, str):
        for c in deployment["spec"]["template"]["spec"]["containers"]:
            for p in c.get("ports", []):
                if p.get("name") == target:
                    return int(port["port"]), int(p["containerPort"])
        raise LookupError(f"Service targetPort {target!r} names no container port")
    return int(port["port"]), int(target)


def service_for(manifests: Manifests, deployment: dict[str, Any]) -> dict[str, Any]:
    """The one Service (not headless) whose selector picks the workload's pods."""
    labels = deployment["spec"]["template"]["metadata"].get("labels", {})
    matching = [
        s
        for s in manifests.of_kind("Service")
        if s["spec"].get("selector")
        and all(labels.get(k) == v for k, v in s["spec"]["selector"].items())
        and s["spec"].get("clusterIP") != "None"
    ]
    if len(matching) != 1:
        raise LookupError(f"expected one Service selecting the server pods, got {len(matching)}")
    return matching[0]
