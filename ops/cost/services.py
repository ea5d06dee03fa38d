"""The rest of the bill, one estimator per resource type: Cloud SQL, addresses, Cloud NAT,
Cloud DNS, buckets, Secret Manager, Artifact Registry, Monitoring and Logging.

Sources: https://cloud.google.com/sql/pricing (vCPU and memory per edition, storage, backups;
a regional, high-availability instance is billed twice for compute and storage),
https://cloud.google.com/sql/docs/postgres/editions-intro (PostgreSQL 16 and later default to
Enterprise Plus), https://cloud.google.com/nat/pricing, https://cloud.google.com/storage/pricing,
https://cloud.google.com/secret-manager/pricing (an automatic replication policy is billed as
one location), https://cloud.google.com/artifact-registry/pricing,
https://cloud.google.com/stackdriver/pricing, https://cloud.google.com/monitoring/uptime-checks.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ops.cost.machines import sql_shape
from ops.cost.manifests import forwarding_rules, scrape_endpoints
from ops.cost.model import Context, Line
from ops.cost.prices import Price

_REF = re.compile(r"^\$\{(?P<type>[a-z0-9_]+)\.(?P<name>[^.}]+)\.")
ZERO = Decimal(0)


def sql_instance(ctx: Context, name: str, r: dict) -> None:
    s = r.get("settings") or {}
    version = str(r.get("database_version", ""))
    major = int(m[1]) if (m := re.search(r"(\d+)$", version)) else 0
    edition = s.get("edition") or (
        "ENTERPRISE_PLUS" if version.startswith("POSTGRES") and major >= 16 else "ENTERPRISE"
    )
    tier = str(s["tier"])
    regional = s.get("availability_type") == "REGIONAL"
    copies = 2 if regional else 1
    ha = " x 2 (REGIONAL: primary and standby)" if regional else " (ZONAL)"
    label = r.get("name", name)
    shape = sql_shape(tier)
    if shape.shared_core:
        hourly = ctx.price(f"sql.{tier}.hour")
        compute = hourly.value * ctx.prices.hours * copies
        used: tuple[Price, ...] = (hourly,)
    else:
        key = "enterprise_plus" if edition == "ENTERPRISE_PLUS" else "enterprise"
        cpu, ram = ctx.price(f"sql.{key}.vcpu_hour"), ctx.price(f"sql.{key}.gib_hour")
        compute = (shape.vcpus * cpu.value + shape.gib * ram.value) * ctx.prices.hours * copies
        used = (cpu, ram)
    ctx.add(Line("Cloud SQL", f"{label}: {edition} {tier}{ha}", compute, compute, used))
    size = int(s.get("disk_size", 10))
    kind = "hdd" if s.get("disk_type") == "PD_HDD" else "ssd"
    disk = ctx.price(f"sql.{kind}.gib_month")
    grows = s.get("disk_autoresize", True)
    limit = int(s.get("disk_autoresize_limit", 0))
    top = limit if grows and limit else size
    growth = f"{size}..{limit} GiB (autoresize)" if grows and limit else f"{size} GiB"
    ctx.add(
        Line(
            "Cloud SQL",
            f"{label}: storage {kind.upper()} {growth}{' x 2' * regional}",
            disk.value * size * copies,
            disk.value * top * copies,
            (disk,),
            usage=""
            if not grows or limit
            else "autoresize has no limit: storage grows with the data",
        )
    )
    backup = s.get("backup_configuration") or {}
    if backup.get("enabled"):
        per = ctx.price("sql.backup.gib_month")
        kept = (backup.get("backup_retention_settings") or {}).get("retained_backups", 7)
        logs = backup.get("transaction_log_retention_days")
        ctx.add(
            Line(
                "Cloud SQL",
                f"{label}: backups ({kept} kept"
                + (f", {logs} days of logs for point-in-time recovery)" if logs else ")"),
                ZERO,
                ZERO,
                (per,),
                usage=f"${per.value} per GiB-month of backup data (incremental after the first)",
            )
        )


def global_address(ctx: Context, name: str, r: dict) -> None:
    if r.get("address_type", "EXTERNAL") != "EXTERNAL":
        return  # an internal range (private services access) is free
    used = bool(forwarding_rules(ctx.manifests))
    in_use, p1 = ctx.monthly("ip.forwarding_rule_hour")
    idle, p2 = ctx.monthly("ip.unused_hour")
    figure = in_use if used else idle
    state = (
        "in use by the Ingress's forwarding rules"
        if used
        else "reserved, no forwarding rule uses it"
    )
    unused = f"${idle:.2f} a month while reserved and unused" if used else ""
    ctx.add(
        Line(
            "Load balancing",
            f"static IP {r.get('name', name)} ({state})",
            figure,
            figure,
            (p1, p2),
            usage=unused,
        )
    )


def router_nat(ctx: Context, name: str, r: dict) -> None:
    vm, p1 = ctx.monthly("nat.vm_hour")
    cap, p2 = ctx.monthly("nat.max_hour")
    low, high = ctx.nodes

    def gateway(vms: int) -> Decimal:
        return cap if vms > 32 else vm * vms

    ctx.add(
        Line(
            "Cloud NAT",
            f"{r.get('name', name)}: gateway for {low}..{high} node VMs",
            gateway(low),
            gateway(high),
            (p1, p2),
            usage="" if high else "Autopilot or no node pool: billed per VM that uses the gateway",
        )
    )
    ips = (
        1
        if r.get("nat_ip_allocate_option", "AUTO_ONLY") == "AUTO_ONLY"
        else len(r.get("nat_ips") or [])
    )
    ip, p3 = ctx.monthly("nat.ip_hour")
    data = ctx.price("nat.data_gib")
    ctx.add(
        Line(
            "Cloud NAT",
            f"{r.get('name', name)}: {ips} external IP (more if ports run out)",
            ip * ips,
            ip * ips,
            (p3, data),
            usage=f"plus ${data.value} per GiB processed, in and out",
        )
    )


def dns_zone(ctx: Context, name: str, r: dict) -> None:
    p = ctx.price("dns.zone_month")
    ctx.add(
        Line(
            "Cloud DNS",
            f"zone {r.get('dns_name', name)} ({r.get('visibility', 'public')})",
            p.value,
            p.value,
            (p,),
            usage="plus queries ($0.40 per million, unconfirmed)",
        )
    )


def bucket(ctx: Context, name: str, r: dict) -> None:
    cls = str(r.get("storage_class", "STANDARD"))
    p = ctx.price(f"gcs.{cls.lower()}.gib_month")
    keeps = []
    if (r.get("versioning") or {}).get("enabled"):
        keeps.append("noncurrent versions until the lifecycle rule deletes them")
    if retention := (r.get("soft_delete_policy") or {}).get("retention_duration_seconds"):
        keeps.append(f"soft-deleted objects for {int(retention) // 86400} days")
    kept = f"; also billed: {', '.join(keeps)}" if keeps else ""
    ctx.add(
        Line(
            "Cloud Storage",
            f"bucket {r.get('name', name)} ({cls}, {r.get('location')})",
            ZERO,
            ZERO,
            (p,),
            usage=f"${p.value * 100:.2f} per 100 GiB stored a month{kept}; plus operations",
        )
    )


def secret_versions(ctx: Context, name: str, r: dict) -> None:
    secret = {}
    if m := _REF.match(str(r.get("secret", ""))):
        secret = ctx.terraform["resource"].get(m["type"], {}).get(m["name"], {})
    replicas = ((secret.get("replication") or {}).get("user_managed") or {}).get("replicas")
    locations = len(replicas) if replicas else 1
    p = ctx.price("secrets.version_month")
    access = ctx.price("secrets.access_10k")
    figure = p.value * locations
    ctx.add(
        Line(
            "Secret Manager",
            f"version of {secret.get('secret_id', name)} x {locations} location"
            + "s" * (locations > 1),
            figure,
            figure,
            (p, access),
            usage=f"plus ${access.value} per 10,000 accesses "
            "(6 versions and 10,000 accesses free per billing account)",
        )
    )


def registry(ctx: Context, name: str, r: dict) -> None:
    p = ctx.price("registry.gib_month")
    ctx.add(
        Line(
            "Artifact Registry",
            f"repository {r.get('repository_id', name)} ({r.get('format')})",
            ZERO,
            ZERO,
            (p,),
            usage=f"${p.value} per GiB-month of images over 0.5 GiB",
        )
    )


# Uptime checks run from every checker region unless selected_regions narrows them: USA
# (Oregon, Iowa, Virginia), Europe, South America, Asia Pacific. https://cloud.google.com/
# monitoring/uptime-checks#select-regions (unconfirmed: counted as 6 locations).
UPTIME_LOCATIONS = 6
UPTIME_FREE = Decimal(1_000_000)


def uptime_check(ctx: Context, name: str, r: dict) -> None:
    period = Decimal(str(r.get("period", "60s")).rstrip("s"))
    locations = len(r.get("selected_regions") or []) or UPTIME_LOCATIONS
    runs = ctx.prices.hours * 3600 / period * locations
    p = ctx.price("monitoring.uptime_1k")
    billed = max(ZERO, runs - UPTIME_FREE) / 1000 * p.value
    ctx.add(
        Line(
            "Monitoring",
            f"uptime check every {period}s from {locations} locations: {runs:,.0f} runs",
            billed,
            billed,
            (p,),
            usage=f"first 1,000,000 runs per project free; beyond: ${p.value} per 1,000",
        )
    )


def alert_policy(ctx: Context, name: str, r: dict) -> None:
    conditions = len(r.get("conditions") or [])
    per = ctx.price("monitoring.condition_month")
    p1 = ctx.price("monitoring.series_million")
    # One time series per condition per 30 s execution period (the pricing examples' period).
    series = ctx.prices.hours * 120 * conditions / 1_000_000 * p1.value
    figure = per.value * conditions + series
    ctx.add(
        Line(
            "Monitoring",
            f"alert policy {r.get('display_name', name)} ({conditions} condition"
            + "s" * (conditions != 1)
            + ")",
            figure,
            figure,
            (per, p1),
        )
    )


def monitoring_usage(ctx: Context) -> None:
    """Metrics and logs: billed by volume, which only the running system shows."""
    endpoints = scrape_endpoints(ctx.manifests)
    if endpoints:
        p = ctx.price("monitoring.prometheus_million")
        _, interval = endpoints[0]
        per_100 = 100 * ctx.prices.hours * 3600 / interval / 1_000_000 * p.value
        ctx.add(
            Line(
                "Monitoring",
                f"Managed Prometheus scrapes ({len(endpoints)} endpoint, every {interval}s)",
                ZERO,
                ZERO,
                (p,),
                usage=f"${per_100:.2f} per 100 time series per pod a month",
            )
        )
    logs = ctx.price("logging.gib")
    vended = ctx.price("logging.vended_gib")
    flow = any(
        s.get("log_config")
        for s in (ctx.terraform["resource"].get("google_compute_subnetwork") or {}).values()
    )
    ctx.add(
        Line(
            "Logging",
            "Cloud Logging ingestion" + (", VPC flow logs" * flow),
            ZERO,
            ZERO,
            (logs, vended),
            usage=f"${logs.value} per GiB over 50 GiB per project"
            + (f"; flow logs ${vended.value} per GiB" * flow),
        )
    )
