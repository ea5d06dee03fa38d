"""GKE's part of the bill: the cluster management fee, Standard nodes and their boot disks,
Autopilot's pod requests, and the load balancer the Ingress controller creates.

Sources: https://cloud.google.com/kubernetes-engine/pricing (the flat fee for Standard and
Autopilot clusters alike, the free tier's credit for one zonal or Autopilot cluster, Autopilot
billing the pods' requests), https://cloud.google.com/kubernetes-engine/docs/concepts/
regional-clusters (a regional cluster's nodes run in three zones unless node_locations says
otherwise), https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/
container_node_pool (per-zone min/max_node_count, total_* for the whole pool; a boot disk of
100 GB pd-balanced by default).
"""

from __future__ import annotations

from decimal import Decimal

from ops.cost.machines import machine_shape
from ops.cost.manifests import (
    GIB,
    forwarding_rules,
    load_balancer_services,
    running_workloads,
    short_lived,
)
from ops.cost.model import Context, Line
from ops.cost.prices import Price

DEFAULT_ZONES_OF_A_REGION = 3
DEFAULT_BOOT_DISK = (100, "pd-balanced")
DEFAULT_MACHINE = "e2-medium"


def _is_zone(location: str) -> bool:
    return location.count("-") == 2


def _zones(location: str, node_locations: list[str] | None) -> int:
    if node_locations:
        return len(node_locations)
    return 1 if _is_zone(location) else DEFAULT_ZONES_OF_A_REGION


def cluster(ctx: Context, name: str, r: dict) -> None:
    autopilot = r.get("enable_autopilot") is True
    location = str(r.get("location", ctx.region))
    mode = "Autopilot" if autopilot else "Standard"
    where = "zonal" if _is_zone(location) else "regional"
    fee, p = ctx.monthly("gke.cluster_hour")
    ctx.add(Line("GKE", f"cluster management fee ({mode}, {where} {location})", fee, fee, (p,)))
    if autopilot or _is_zone(location):
        credit = ctx.price("gke.free_tier_credit_month")
        ctx.add(
            Line(
                "GKE",
                "free tier credit (one zonal or Autopilot cluster per billing account; "
                "none when another cluster uses it)",
                -min(credit.value, fee),
                Decimal(0),
                (credit,),
            )
        )
    if autopilot:
        autopilot_pods(ctx, "Autopilot pods")
    elif r.get("remove_default_node_pool") is not True:
        count = int(r.get("initial_node_count", 1)) * _zones(location, r.get("node_locations"))
        config = r.get("node_config") or {}
        _nodes(ctx, "default pool", config, (count, count))


def node_pool(ctx: Context, name: str, r: dict) -> None:
    location = str(r.get("location", ctx.region))
    zones = _zones(location, r.get("node_locations"))
    scaling = r.get("autoscaling") or {}
    if "total_min_node_count" in scaling or "total_max_node_count" in scaling:
        count = (int(scaling.get("total_min_node_count", 0)), int(scaling["total_max_node_count"]))
        per = f"{count[0]}..{count[1]} in total"
    elif scaling:
        low, high = int(scaling.get("min_node_count", 0)), int(scaling["max_node_count"])
        count = (low * zones, high * zones)
        per = f"{low}..{high} per zone x {zones} zone{'s' * (zones > 1)}"
    else:
        n = int(r.get("node_count", r.get("initial_node_count", 1)))
        count = (n * zones, n * zones)
        per = f"{n} per zone x {zones} zone{'s' * (zones > 1)}"
    _nodes(ctx, f"{r.get('name', name)}: {per}", r.get("node_config") or {}, count)


def _nodes(ctx: Context, label: str, config: dict, count: tuple[int, int]) -> None:
    machine = str(config.get("machine_type", DEFAULT_MACHINE))
    shape = machine_shape(machine)
    if shape.shared_core:
        hourly = ctx.price(f"compute.{machine}.hour")
        per_node = hourly.value * ctx.prices.hours
        used: tuple[Price, ...] = (hourly,)
    else:
        cpu = ctx.price(f"compute.{shape.family}.vcpu_hour")
        ram = ctx.price(f"compute.{shape.family}.gib_hour")
        per_node = (shape.vcpus * cpu.value + shape.gib * ram.value) * ctx.prices.hours
        used = (cpu, ram)
    low, high = count
    spot = " (Spot/preemptible: Google's discount not applied)" * bool(
        config.get("spot") or config.get("preemptible")
    )
    ctx.add(
        Line(
            "GKE",
            f"nodes {machine} x {low}..{high} ({label}){spot}",
            per_node * low,
            per_node * high,
            used,
        )
    )
    size = int(config.get("disk_size_gb", DEFAULT_BOOT_DISK[0]))
    kind = str(config.get("disk_type", DEFAULT_BOOT_DISK[1]))
    disk = ctx.price(f"disk.{kind}.gib_month")
    ctx.add(
        Line(
            "GKE",
            f"boot disks {size} GiB {kind} x {low}..{high}",
            disk.value * size * low,
            disk.value * size * high,
            (disk,),
        )
    )
    ctx.nodes = (ctx.nodes[0] + low, ctx.nodes[1] + high)


def autopilot_pods(ctx: Context, label: str) -> None:
    """Autopilot bills each running pod's requests per second; the workloads' replicas span
    the range. Autopilot may raise a request to its minimums (settings/autopilot.py checks the
    configured ones)."""
    cpu = ctx.price("autopilot.vcpu_hour")
    ram = ctx.price("autopilot.gib_hour")
    eph = ctx.price("autopilot.ephemeral_gib_hour")
    hours = ctx.prices.hours
    for w in running_workloads(ctx.manifests):
        r = w.requests
        per_pod = hours * (
            r["cpu"] * cpu.value
            + r["memory"] / GIB * ram.value
            + r["ephemeral-storage"] / GIB * eph.value
        )
        low, high = w.replicas
        ctx.add(
            Line("GKE", f"{label}: {w.describe()}", per_pod * low, per_pod * high, (cpu, ram, eph))
        )
    for job in short_lived(ctx.manifests):
        ctx.add(
            Line(
                "GKE",
                f"{label}: {job}",
                Decimal(0),
                Decimal(0),
                (cpu, ram, eph),
                usage="runs for minutes a day: requests x run time at the rates above",
            )
        )


def existing_cluster(ctx: Context, name: str, r: dict) -> None:
    """A cluster the team runs already: its fee and nodes are not this deployment's, but on
    Autopilot the deployment's pods are billed (the lookup's postcondition says which)."""
    conditions = " ".join(
        str(c.get("condition", "")) for c in (r.get("lifecycle") or {}).get("postcondition") or []
    )
    if "self.enable_autopilot == true" in conditions:
        autopilot_pods(ctx, "Autopilot pods on the existing cluster")
        return
    for w in running_workloads(ctx.manifests):
        ctx.add(
            Line(
                "GKE",
                f"pods on the existing cluster's nodes: {w.describe()}",
                Decimal(0),
                Decimal(0),
                usage="capacity of the team's existing nodes (their fee and VMs are billed there)",
            )
        )


def load_balancer(ctx: Context) -> None:
    """The external Application Load Balancer the GKE Ingress controller creates: billed per
    forwarding rule (the first five together), plus data processed."""
    rules = forwarding_rules(ctx.manifests)
    services = load_balancer_services(ctx.manifests)
    count = len(rules) + len(services)
    if not count:
        return
    first, p1 = ctx.monthly("lb.rule_hour")
    extra, p2 = ctx.monthly("lb.rule_additional_hour")
    total = first + extra * max(0, count - 5)
    names = ", ".join(rules + [f"Service {s}" for s in services])
    data = ctx.price("lb.data_gib")
    ctx.add(
        Line(
            "Load balancing",
            f"forwarding rules x {count} ({names})",
            total,
            total,
            (p1, p2, data),
            usage=f"plus ${data.value} per GiB processed by the load balancer",
        )
    )


def has_gke(terraform: dict) -> bool:
    return bool(
        (terraform.get("resource") or {}).get("google_container_cluster")
        or (terraform.get("data") or {}).get("google_container_cluster")
    )
