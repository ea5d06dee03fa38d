"""L1 workload classes whose JSON patches survive the bundled 1.25 schema.

The L1 classes (cdk8s-plus-25's `k8s` module) map their JSON through the 1.25 schema *after*
ApiObject applied the patches, which drops any newer field, such as a native sidecar's
`restartPolicy` on an init container (stable in Kubernetes 1.33): these apply them after that.
"""

from __future__ import annotations

from typing import Any

from cdk8s import JsonPatch
from cdk8s_plus_25 import k8s
from constructs import Construct


class PatchedKubeDeployment(k8s.KubeDeployment):
    """KubeDeployment with late JSON patches (`add_json_patch`)."""

    def __init__(self, scope: Construct, id: str, **props: Any) -> None:
        super().__init__(scope, id, **props)
        self._late_patches: list[JsonPatch] = []

    def add_json_patch(self, *ops: JsonPatch) -> None:
        self._late_patches.extend(ops)

    def to_json(self) -> Any:
        return JsonPatch.apply(super().to_json(), *self._late_patches)


class PatchedKubeCronJob(k8s.KubeCronJob):
    """KubeCronJob with late JSON patches (`add_json_patch`)."""

    def __init__(self, scope: Construct, id: str, **props: Any) -> None:
        super().__init__(scope, id, **props)
        self._late_patches: list[JsonPatch] = []

    def add_json_patch(self, *ops: JsonPatch) -> None:
        self._late_patches.extend(ops)

    def to_json(self) -> Any:
        return JsonPatch.apply(super().to_json(), *self._late_patches)
