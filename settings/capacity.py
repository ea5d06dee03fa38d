"""Whether one node of the created Standard cluster's pool can hold the server's pod.

A node offers its pods what GKE leaves after its own reservations ("allocatable",
https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes#memory_and_cpu_reservations):
CPU: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% of the rest; memory:
25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above
128 GiB, plus the kubelet's 100 MiB eviction threshold. GKE's own pods take part of the rest:
SYSTEM_PODS below is what the kube-system and gmp-system pods of a Standard node request
together (kube-proxy 100m, fluentbit-gke, gke-metrics-agent, pdcsi-node, the managed Prometheus
collector, and on a small cluster kube-dns, konnectivity-agent and metrics-server, which then
share the node): about 400m CPU and 600 MiB, rounded up. `kubectl describe node` lists the
real figure ("Non-terminated Pods"). A pod whose request exceeds what is left fits no node, and
stays Pending forever, whatever the autoscaler does.

The machine's size comes from its name: `<family>-<kind>-<vCPUs>` with the memory per vCPU of
the family's kind (https://cloud.google.com/compute/docs/general-purpose-machines,
.../compute-optimized-machines), or `<family>-custom-<vCPUs>-<MiB>`. A shape this table does
not know is not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from settings.locations import machine_types

GIB = Decimal(2) ** 30
MIB = Decimal(2) ** 20
SYSTEM_PODS_CPU = Decimal("0.4")
SYSTEM_PODS_MEMORY = 600 * MIB
# GiB of memory per vCPU, by family and kind.
MEMORY_PER_VCPU: dict[str, dict[str, Decimal]] = {
    "e2": {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(1)},
    "n1": {"standard": Decimal("3.75"), "highmem": Decimal("6.5"), "highcpu": Decimal("0.9")},
    "n2": {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(1)},
    "n2d": {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(1)},
    "n4": {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(2)},
    "t2d": {"standard": Decimal(4)},
    "c2": {"standard": Decimal(4)},
    "c2d": {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(2)},
    "c3": {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(2)},
    "c3d": {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(2)},
}


@dataclass(frozen=True)
class Shape:
    vcpus: Decimal
    memory: Decimal  # bytes


def shape(machine_type: str) -> Shape | None:
    """The machine's vCPUs and memory, or None for a shape this module does not know."""
    custom = re.fullmatch(r"(?:[a-z0-9]+-)?custom-([0-9]+)-([0-9]+)(?:-ext)?", machine_type)
    if custom:
        return Shape(Decimal(custom[1]), Decimal(custom[2]) * MIB)
    named = re.fullmatch(r"([a-z0-9]+)-([a-z]+)-([0-9]+)", machine_type)
    if not named:
        return None
    ratio = MEMORY_PER_VCPU.get(named[1], {}).get(named[2])
    if ratio is None:
        return None
    vcpus = Decimal(named[3])
    return Shape(vcpus, vcpus * ratio * GIB)


def _tiers(total: Decimal, tiers: list[tuple[Decimal, Decimal]]) -> Decimal:
    """The sum of each tier's share: tiers are (size, fraction), the last one unbounded."""
    reserved, left = Decimal(0), total
    for size, fraction in tiers:
        part = min(left, size)
        reserved += part * fraction
        left -= part
    return reserved


def allocatable(machine: Shape) -> Shape:
    """What GKE's kubelet offers pods on such a node (before GKE's own pods)."""
    cpu = _tiers(
        machine.vcpus,
        [
            (Decimal(1), Decimal("0.06")),
            (Decimal(1), Decimal("0.01")),
            (Decimal(2), Decimal("0.005")),
            (machine.vcpus, Decimal("0.0025")),
        ],
    )
    if machine.memory < GIB:
        memory = 255 * MIB
    else:
        memory = _tiers(
            machine.memory,
            [
                (4 * GIB, Decimal("0.25")),
                (4 * GIB, Decimal("0.2")),
                (8 * GIB, Decimal("0.1")),
                (112 * GIB, Decimal("0.06")),
                (machine.memory, Decimal("0.02")),
            ],
        )
    return Shape(machine.vcpus - cpu, machine.memory - memory - 100 * MIB)


def room_for_pods(machine_type: str) -> Shape | None:
    """What is left for the server's pod on an otherwise empty node of this type."""
    machine = shape(machine_type)
    if machine is None:
        return None
    offered = allocatable(machine)
    return Shape(offered.vcpus - SYSTEM_PODS_CPU, offered.memory - SYSTEM_PODS_MEMORY)


def pod_fit_problem(machine_type: str, cpu: Decimal, memory: Decimal) -> str | None:
    """Why a pod requesting cpu cores and memory bytes fits no node of this type, or None."""
    room = room_for_pods(machine_type)
    if room is None or (cpu <= room.vcpus and memory <= room.memory):
        return None
    machine = shape(machine_type)
    assert machine is not None
    return (
        f"the server's pod requests {cpu.normalize():f} vCPU and {memory / GIB:.2f} GiB, and "
        f"one {machine_type} node ({machine.vcpus} vCPU, {machine.memory / GIB:.0f} GiB) leaves "
        f"{room.vcpus:.2f} vCPU and {room.memory / GIB:.2f} GiB for it after GKE's reservations "
        f"and system pods: no node can hold it (it would stay Pending); choose a larger "
        f"cluster.machine_type{_larger(machine_type, cpu, memory)} or lower "
        "server.resources requests"
    )


def _larger(machine_type: str, cpu: Decimal, memory: Decimal) -> str:
    """The smallest size of the same series that holds the pod, as a hint."""
    series = machine_type.rpartition("-")[0]
    if "custom" in series:
        return ""
    for vcpus in (2, 4, 8, 16, 32, 48, 64, 80, 96):
        candidate = f"{series}-{vcpus}"
        if candidate not in machine_types():
            continue
        room = room_for_pods(candidate)
        if room is not None and cpu <= room.vcpus and memory <= room.memory:
            return f" (such as {candidate})"
    return ""
