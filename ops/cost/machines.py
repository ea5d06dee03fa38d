"""What a machine type or a Cloud SQL tier is made of (vCPUs and memory), from its name.

Compute Engine bills predefined and custom machine types per vCPU-hour and GiB-hour of their
family, shared-core types per machine; Cloud SQL bills dedicated-core tiers per vCPU and GiB
and shared-core tiers per instance. Sources: https://cloud.google.com/compute/docs/machine-resource
(memory per vCPU of each type), https://cloud.google.com/sql/docs/postgres/instance-settings
(db-custom-<vCPUs>-<MiB>, db-perf-optimized-N-<vCPUs>).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from settings.errors import ConfigError

# GiB of memory per vCPU of each family's predefined kinds.
_MEMORY_PER_VCPU = {
    "e2": {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(1)},
    "n2": {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(1)},
    "n2d": {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(1)},
    "t2d": {"standard": Decimal(4)},
    "n1": {"standard": Decimal("3.75"), "highmem": Decimal("6.5"), "highcpu": Decimal("0.9")},
}
SHARED_CORE = ("e2-micro", "e2-small", "e2-medium")
_PREDEFINED = re.compile(r"^(?P<family>[a-z0-9]+)-(?P<kind>standard|highmem|highcpu)-(?P<n>\d+)$")
_CUSTOM = re.compile(r"^(?:(?P<family>[a-z0-9]+)-)?custom-(?P<n>\d+)-(?P<mib>\d+)(?:-ext)?$")
_MIB = Decimal(1024)


@dataclass(frozen=True)
class Shape:
    family: str  # the price family (e2, n2, ...) or a shared-core type's own name
    vcpus: Decimal
    gib: Decimal
    shared_core: bool = False


def machine_shape(machine_type: str) -> Shape:
    if machine_type in SHARED_CORE:
        return Shape(machine_type, Decimal(0), Decimal(0), shared_core=True)
    if m := _PREDEFINED.match(machine_type):
        per_vcpu = _MEMORY_PER_VCPU.get(m["family"], {}).get(m["kind"])
        if per_vcpu is not None:
            n = Decimal(m["n"])
            return Shape(m["family"], n, n * per_vcpu)
    if (m := _CUSTOM.match(machine_type)) and (m["family"] or "n1") in _MEMORY_PER_VCPU:
        return Shape(m["family"] or "n1", Decimal(m["n"]), Decimal(m["mib"]) / _MIB)
    raise ConfigError(
        f"machine type '{machine_type}' has no price in ops/cost: the table covers "
        f"{', '.join(sorted(_MEMORY_PER_VCPU))} (standard, highmem, highcpu, custom) and "
        f"{', '.join(SHARED_CORE)}; add its family to ops/cost/machines.py and prices.json"
    )


_SQL_CUSTOM = re.compile(r"^db-custom-(?P<n>\d+)-(?P<mib>\d+)$")
_SQL_N1 = re.compile(r"^db-n1-(?P<kind>standard|highmem)-(?P<n>\d+)$")
# Enterprise Plus' performance-optimized tiers: 8 GiB per vCPU.
_SQL_PERF = re.compile(r"^db-perf-optimized-n-(?P<n>\d+)$")
SQL_SHARED_CORE = ("db-f1-micro", "db-g1-small")


def sql_shape(tier: str) -> Shape:
    if tier in SQL_SHARED_CORE:
        return Shape(tier, Decimal(0), Decimal(0), shared_core=True)
    if m := _SQL_CUSTOM.match(tier):
        return Shape("sql", Decimal(m["n"]), Decimal(m["mib"]) / _MIB)
    if m := _SQL_N1.match(tier):
        n = Decimal(m["n"])
        return Shape("sql", n, n * _MEMORY_PER_VCPU["n1"][m["kind"]])
    if m := _SQL_PERF.match(tier.lower()):
        n = Decimal(m["n"])
        return Shape("sql", n, n * 8)
    raise ConfigError(
        f"Cloud SQL tier '{tier}' has no price in ops/cost: known are db-custom-<vCPUs>-<MiB>, "
        f"db-n1-standard-N, db-n1-highmem-N, db-perf-optimized-N-N and {', '.join(SQL_SHARED_CORE)}"
    )
