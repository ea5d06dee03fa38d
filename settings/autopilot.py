"""GKE Autopilot's resource rules for the general-purpose compute class, checked before deploy,
on every pod the project ships (the server's and the garbage collector's), for a cluster this
project creates in Autopilot mode and for the team's Autopilot cluster alike.

Autopilot gives a container that requests no ephemeral storage 1 GiB, raises requests below
its minimums, rejects pods above its maximums, and on a cluster without bursting sets every
limit to its request; a deployment that relies on anything else would change silently or fail
at admission. Sources: https://cloud.google.com/kubernetes-engine/docs/concepts/autopilot-resource-requests
("Default resource requests": "All other containers: Ephemeral storage: 1 GiB"; "Minimum and
maximum resource requests"; "Resource limits"). For init containers and native sidecars the
Kubernetes effective-request rule (KEP-753,
https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/#resource-sharing-within-containers):
a pod requests the larger of its app containers plus its sidecars and, for each init container,
that container plus the sidecars started before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from settings.workload import ContainerResources, Resources, quantity_value

GIB = Decimal(2) ** 30
MAX_CPU = Decimal(30)
MAX_MEMORY = 110 * GIB
MAX_EPHEMERAL = 10 * GIB
# What Autopilot requests for a container that requests none (ephemeral storage: every
# container outside a DaemonSet).
DEFAULT_EPHEMERAL = GIB
# vCPU : GiB between 1:1 and 1:6.5.
RATIO = (Decimal(1), Decimal("6.5"))
# The nodes Autopilot picks are chosen by these keys; a node pool cannot be selected by name.
NODE_SELECTOR_KEYS = (
    "cloud.google.com/compute-class",
    "cloud.google.com/gke-spot",
    "cloud.google.com/machine-family",
    "kubernetes.io/arch",
    "topology.kubernetes.io/zone",
)
# The artifact size the server's /tmp is sized for on Autopilot when the config names none:
# 3Gi x 2 transfers + 1Gi headroom is 7Gi of /tmp, 8Gi with the logs, which with the proxy's
# 1 GiB default stays inside the 10 GiB a pod may have (the Standard default, 4Gi, would need
# 10Gi for the server alone).
AUTOPILOT_LARGEST = "3Gi"


@dataclass(frozen=True)
class PodShape:
    """A pod's containers in start order: native sidecars (initContainers with
    restartPolicy Always, started first), then plain init containers, then the app."""

    name: str
    sidecars: Sequence[tuple[str, ContainerResources]]
    inits: Sequence[tuple[str, ContainerResources]]
    apps: Sequence[tuple[str, ContainerResources]]


def server_pod(resources: Resources) -> PodShape:
    """k8s/server.py: the proxy sidecar, `db-migrate`, then `mlflow`."""
    return PodShape(
        "the server's pod",
        sidecars=[("cloud-sql-proxy", resources.proxy)],
        inits=[("db-migrate", resources.migrate)],
        apps=[("mlflow", resources.server)],
    )


def gc_pod(resources: Resources, gc: ContainerResources) -> PodShape:
    """k8s/gc.py: the proxy sidecar, then `gc`."""
    return PodShape(
        "the garbage collector's pod",
        sidecars=[("cloud-sql-proxy", resources.proxy)],
        inits=[],
        apps=[("gc", gc)],
    )


def container_request(c: ContainerResources, name: str) -> Decimal:
    """What Autopilot gives the container: its request, or Autopilot's default."""
    if name in c.requests:
        return quantity_value(c.requests[name])
    if name == "ephemeral-storage":
        return DEFAULT_EPHEMERAL
    if name == "cpu":  # only memory requested: the cpu the 1:6.5 ratio needs at least
        return quantity_value(c.requests["memory"]) / GIB / RATIO[1]
    raise KeyError(name)  # memory is always requested (ContainerResources)


def pod_requests(pod: PodShape) -> dict[str, Decimal]:
    """The pod's effective request of each resource, Autopilot's defaults included."""
    totals = {}
    for name in ("cpu", "memory", "ephemeral-storage"):
        sidecar_sum = Decimal(0)
        phases = []
        for _, c in pod.sidecars:
            sidecar_sum += container_request(c, name)
        for _, c in pod.inits:
            phases.append(container_request(c, name) + sidecar_sum)
        phases.append(sum((container_request(c, name) for _, c in pod.apps), sidecar_sum))
        totals[name] = max(phases)
    return totals


def _defaulted(pod: PodShape) -> list[str]:
    return [
        n
        for n, c in (*pod.sidecars, *pod.inits, *pod.apps)
        if "ephemeral-storage" not in c.requests
    ]


def pod_problems(pod: PodShape) -> list[str]:
    req = pod_requests(pod)
    found = []
    if req["cpu"] > MAX_CPU or req["memory"] > MAX_MEMORY:
        found.append(
            f"{pod.name} requests {req['cpu']:.2f} vCPU and {req['memory'] / GIB:.1f} GiB; "
            f"Autopilot rejects more than {MAX_CPU} vCPU or {MAX_MEMORY / GIB:.0f} GiB"
        )
    if req["cpu"]:
        ratio = (req["memory"] / GIB) / req["cpu"]
        if not RATIO[0] <= ratio <= RATIO[1]:
            found.append(
                f"{pod.name}'s memory per vCPU is {ratio:.2f} GiB; Autopilot keeps it between "
                f"{RATIO[0]} and {RATIO[1]} GiB and would raise the smaller request"
            )
    if req["ephemeral-storage"] > MAX_EPHEMERAL:
        defaulted = _defaulted(pod)
        found.append(
            f"{pod.name} requests {req['ephemeral-storage'] / GIB:.1f} GiB of ephemeral storage"
            + (
                f" (Autopilot gives {', '.join(defaulted)} 1 GiB each, requesting none)"
                if defaulted
                else ""
            )
            + f", above Autopilot's {MAX_EPHEMERAL / GIB:.0f} GiB per pod: lower "
            "server.artifact_transfers (largest x concurrent sizes the server's /tmp) or the "
            "ephemeral-storage requests"
        )
    return found


def problems(
    resources: Resources, node_selector: Mapping[str, str], gc: ContainerResources
) -> list[str]:
    found = pod_problems(server_pod(resources)) + pod_problems(gc_pod(resources, gc))
    for key in node_selector:
        if key not in NODE_SELECTOR_KEYS:
            found.append(
                f"node_selector key {key!r}: on Autopilot nodes are chosen by "
                f"{', '.join(NODE_SELECTOR_KEYS)}"
            )
    return found


def limit_notes(resources: Resources, gc: ContainerResources) -> list[str]:
    """Limits above requests, which Autopilot lowers to the requests without bursting."""
    notes = []
    sizes: list[tuple[str, ContainerResources]] = [
        ("server", resources.server),
        ("migrate", resources.migrate),
        ("proxy", resources.proxy),
        ("gc", gc),
    ]
    for container, c in sizes:
        for name, limit in c.limits.items():
            request = c.requests.get(name)
            if request is None or quantity_value(limit) > quantity_value(request):
                notes.append(f"{container} {name} limit {limit} (request {request})")
    return notes


def is_autopilot(data: Mapping[str, Any]) -> bool:
    """Whether a config file, as written, runs on Autopilot (created or the team's)."""
    platform = data.get("platform", "gke")
    if platform == "gke":
        cluster = data.get("cluster")
        return isinstance(cluster, dict) and cluster.get("mode") == "autopilot"
    existing = data.get("existing_cluster")
    return (
        platform == "gke-existing"
        and isinstance(existing, dict)
        and bool(existing.get("autopilot"))
    )


def server_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """A config file's data with Autopilot's own defaults for what it leaves unset: artifact
    transfers of AUTOPILOT_LARGEST, and the server's ephemeral-storage request equal to the
    limit it needs (Autopilot sets limits to requests, so a request below the limit would
    take the logs' headroom away). Standard configs are returned unchanged."""
    from settings.transfers import LOG_HEADROOM_BYTES, ArtifactTransfers, format_bytes

    server = data.get("server", {})
    if not is_autopilot(data) or not isinstance(server, dict):
        return data
    given = server.get("artifact_transfers", {})
    if not isinstance(given, dict):
        return data
    transfers_data = {"largest": AUTOPILOT_LARGEST, **given}
    try:
        sizes = ArtifactTransfers.model_validate(transfers_data)
    except ValueError:
        return data  # the field's own validation names the error
    resources = server.get("resources", {})
    own = resources.get("server", {}) if isinstance(resources, dict) else None
    if not isinstance(own, dict):
        return data
    requests = own.get("requests", {}) if isinstance(own, dict) else None
    limits = own.get("limits", {}) if isinstance(own, dict) else None
    if not isinstance(requests, dict) or not isinstance(limits, dict):
        return data
    key = "ephemeral-storage"
    if key not in requests:
        requests = {
            **requests,
            key: limits.get(key) or format_bytes(sizes.tmp_bytes + LOG_HEADROOM_BYTES),
        }
    own = {**own, "requests": requests}
    server = {
        **server,
        "artifact_transfers": transfers_data,
        "resources": {**resources, "server": own},
    }
    return {**data, "server": server}
