"""Checks across sections of a created Standard cluster's config, run by the model's own
validator (settings/model.py): the cluster's zone exists, one node can hold the server's pod,
and the server's node_selector names only what the stack's node pool has."""

from __future__ import annotations

from typing import TYPE_CHECKING

from settings import capacity, locations
from settings.autopilot import pod_requests, server_pod
from settings.cluster import ClusterSettings
from settings.names import Names
from settings.targets import CreatedGke, Target

if TYPE_CHECKING:
    from settings.model import Settings

# Node labels GKE sets from the node pool's own settings
# (https://cloud.google.com/kubernetes-engine/docs/how-to/creating-managing-labels#automatically-applied-labels).
POOL_LABEL = "cloud.google.com/gke-nodepool"
SPOT_LABEL = "cloud.google.com/gke-spot"
INSTANCE_TYPE_LABELS = ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")


def check_created_gke(s: Settings, target: Target) -> None:
    """Raise ValueError for a created Standard cluster that cannot run the server as written.
    (Autopilot has its own rules: settings/autopilot.py.)"""
    if not isinstance(target, CreatedGke) or target.autopilot:
        return
    cluster = target.cluster
    if target.location != s.region:
        locations.refuse(locations.zone_note(target.location, s.region))
    pod = pod_requests(server_pod(s.server.resources))
    problem = capacity.pod_fit_problem(cluster.machine_type, pod["cpu"], pod["memory"])
    if problem:
        raise ValueError(problem)
    pool = Names.derive(s, target).node_pool
    for key, value in s.server.node_selector.items():
        wrong = _selector_problem(key, value, pool=pool, cluster=cluster)
        if wrong:
            raise ValueError(
                f"server.node_selector {key}: {value!r} {wrong}: no node would match and the "
                "pods would stay Pending"
            )


def _selector_problem(key: str, value: str, *, pool: str, cluster: ClusterSettings) -> str | None:
    if key == POOL_LABEL and value != pool:
        return f"names a node pool the stack does not create (it creates {pool!r})"
    if key in INSTANCE_TYPE_LABELS and value != cluster.machine_type:
        return f"is not the pool's machine type (cluster.machine_type {cluster.machine_type!r})"
    if key == SPOT_LABEL and value == "true" and not cluster.spot:
        return "asks for Spot nodes, and the pool has none (cluster.spot is false)"
    return None
