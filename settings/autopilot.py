"""GKE Autopilot's resource rules for the general-purpose compute class, checked before deploy.

Autopilot raises requests below its minimums and rejects pods above its maximums, and on a
cluster without bursting it sets every limit to its request; a deployment that relies on
anything else would change silently or fail at admission. Sources: https://cloud.google.com/
kubernetes-engine/docs/concepts/autopilot-resource-requests ("Minimum and maximum resource
requests", "Resource limits"), and for init containers and native sidecars the Kubernetes
effective-request rule (KEP-753): a pod requests the larger of its app containers plus sidecars
and its largest init container plus the sidecars started before it.
"""

from __future__ import annotations

from decimal import Decimal

from settings.workload import ContainerResources, Resources, quantity_value

GIB = Decimal(2) ** 30
MAX_CPU = Decimal(30)
MAX_MEMORY = 110 * GIB
MAX_EPHEMERAL = 10 * GIB
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


def _request(c: ContainerResources, name: str) -> Decimal:
    return quantity_value(c.requests.get(name, "0"))


def pod_requests(resources: Resources) -> dict[str, Decimal]:
    """The pod's effective request of each resource (server + proxy, or migrate + proxy)."""
    totals = {}
    for name in ("cpu", "memory", "ephemeral-storage"):
        running = _request(resources.server, name) + _request(resources.proxy, name)
        migrating = _request(resources.migrate, name) + _request(resources.proxy, name)
        totals[name] = max(running, migrating)
    return totals


def problems(resources: Resources, node_selector: dict[str, str]) -> list[str]:
    pod = pod_requests(resources)
    found = []
    if pod["cpu"] > MAX_CPU or pod["memory"] > MAX_MEMORY:
        found.append(
            f"the pod requests {pod['cpu']} vCPU and {pod['memory'] / GIB:.1f} GiB; Autopilot "
            f"rejects more than {MAX_CPU} vCPU or {MAX_MEMORY / GIB:.0f} GiB"
        )
    if pod["cpu"]:
        ratio = (pod["memory"] / GIB) / pod["cpu"]
        if not RATIO[0] <= ratio <= RATIO[1]:
            found.append(
                f"the pod's memory per vCPU is {ratio:.2f} GiB; Autopilot keeps it between "
                f"{RATIO[0]} and {RATIO[1]} GiB and would raise the smaller request"
            )
    if pod["ephemeral-storage"] > MAX_EPHEMERAL:
        found.append("the pod requests more than 10 GiB of ephemeral storage, Autopilot's most")
    for key in node_selector:
        if key not in NODE_SELECTOR_KEYS:
            found.append(
                f"node_selector key {key!r}: on Autopilot nodes are chosen by "
                f"{', '.join(NODE_SELECTOR_KEYS)}"
            )
    return found


def limit_notes(resources: Resources) -> list[str]:
    """Limits above requests, which Autopilot lowers to the requests without bursting."""
    notes = []
    for container in ("server", "migrate", "proxy"):
        sizes: ContainerResources = getattr(resources, container)
        for name, limit in sizes.limits.items():
            request = sizes.requests.get(name)
            if request is None or quantity_value(limit) > quantity_value(request):
                notes.append(f"{container} {name} limit {limit} (request {request})")
    return notes
