"""One environment's estimate: line items with a monthly low and high figure, and what they
depend on."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ops.cost.prices import Price, PriceTable

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    """A monthly cost. low..high spans what the configuration allows (node counts, disk growth,
    replicas); usage says what it leaves out that depends on traffic or stored data."""

    service: str
    item: str
    low: Decimal
    high: Decimal
    prices: tuple[Price, ...] = ()
    usage: str = ""

    @property
    def unconfirmed(self) -> bool:
        return any(p.status not in ("google", "catalog") for p in self.prices)


@dataclass
class Context:
    """What the estimators share: the prices, the region and the environment's outputs."""

    prices: PriceTable
    region: str
    terraform: dict
    manifests: list[dict]
    # Node VMs the stack's node pools run, fewest..most (Cloud NAT bills per VM).
    nodes: tuple[int, int] = (0, 0)
    lines: list[Line] = field(default_factory=list)
    fallbacks: set[str] = field(default_factory=set)

    def price(self, key: str) -> Price:
        p = self.prices.price(key, self.region)
        if p.fallback_from(self.region):
            self.fallbacks.add(key)
        return p

    def monthly(self, key: str) -> tuple[Decimal, Price]:
        """An hourly price times the table's hours per month."""
        p = self.price(key)
        return p.value * self.prices.hours, p

    def add(self, line: Line) -> None:
        self.lines.append(line)


@dataclass(frozen=True)
class Estimate:
    environment: str
    region: str
    stack: str
    lines: tuple[Line, ...]
    unpriced: tuple[str, ...]  # resource types neither priced nor listed as free
    fallbacks: tuple[str, ...]  # regional prices taken from the list region
    as_of: str
    list_region: str

    @property
    def low(self) -> Decimal:
        return sum((line.low for line in self.lines), Decimal(0))

    @property
    def high(self) -> Decimal:
        return sum((line.high for line in self.lines), Decimal(0))


def money(value: Decimal) -> str:
    rounded = value.quantize(CENT)
    sign = "-" if rounded < 0 else ""
    return f"{sign}${abs(rounded):,.2f}"
