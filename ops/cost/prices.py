"""The price table shipped in the repository (ops/cost/prices.json): one figure per item and
region, with its unit, its source page and how far it was confirmed.

A regional item priced for the deployment's region is used as is; otherwise its list-region
(us-central1) figure is used and the estimate says so. `make refresh-prices` adds regions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from settings.errors import ConfigError

PRICES = Path(__file__).with_name("prices.json")


@dataclass(frozen=True)
class Price:
    key: str
    value: Decimal
    unit: str
    status: str  # google | third-party | unconfirmed
    source: str
    region: str  # the region the figure is for, or "global"

    def fallback_from(self, wanted: str) -> bool:
        """True when this is another region's figure standing in for `wanted`'s."""
        return self.region not in ("global", wanted)


@dataclass(frozen=True)
class PriceTable:
    raw: dict

    @property
    def as_of(self) -> str:
        return str(self.raw["as_of"])

    @property
    def hours(self) -> Decimal:
        return Decimal(self.raw["hours_per_month"])

    @property
    def list_region(self) -> str:
        return str(self.raw["list_region"])

    def has(self, key: str) -> bool:
        return key in self.raw["items"]

    def price(self, key: str, region: str) -> Price:
        try:
            entry = self.raw["items"][key]
        except KeyError:
            raise ConfigError(
                f"price '{key}' is not in {PRICES.name}: add it (with its unit and source page) "
                "or run make refresh-prices"
            ) from None
        prices = entry["prices"]
        where = next(r for r in (region, "global", self.list_region) if r in prices)
        return Price(
            key=key,
            value=Decimal(prices[where]),
            unit=entry["unit"],
            status=entry["status"],
            source=entry["source"],
            region=where,
        )

    def items(self) -> dict[str, dict]:
        return self.raw["items"]


def load_prices(path: Path = PRICES) -> PriceTable:
    return PriceTable(json.loads(path.read_text(encoding="utf-8")))
