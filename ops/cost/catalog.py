"""The price table from the Cloud Billing Catalog API's SKUs: which SKU is which item.

A SKU (https://cloud.google.com/billing/docs/reference/rest/v1/services.skus/list) has a
description, a category (usageType OnDemand, Preemptible, Commit1Yr, ...), the regions it
applies to (serviceRegions) and a pricingExpression: usageUnit ("h", "GiBy.mo", "count", ...)
and tieredRates, each a startUsageAmount and a unitPrice of units + nanos. An item of
prices.json names its service, the words its SKU's description contains (match) and must not
contain (exclude), and the usageUnit it expects; a refresh takes the one SKU that fits, for
each region, and keeps the shipped figure (with a message) when none or several fit.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from decimal import Decimal

CATALOG_STATUS = "catalog"


class NoMatch(Exception):
    pass


def _fits(sku: dict, rule: dict, region: str) -> bool:
    text = sku.get("description", "")
    if not all(word in text for word in rule["match"]):
        return False
    if any(word in text for word in rule.get("exclude", ())):
        return False
    if sku.get("category", {}).get("usageType") != "OnDemand":
        return False
    regions = sku.get("serviceRegions") or []
    return region in regions if rule["regional"] else ("global" in regions or not regions)


def sku_price(rule: dict, skus: Iterable[dict], region: str) -> Decimal:
    """The item's price in `region` (ignored for a global item), in the table's unit."""
    found = [s for s in skus if _fits(s, rule, region)]
    where = f" in {region}" if rule["regional"] else ""
    if len(found) != 1:
        names = "; ".join(s.get("description", "?") for s in found[:4])
        raise NoMatch(
            f"{len(found)} SKUs match {rule['match']}{where}" + (f": {names}" * bool(names))
        )
    expression = found[0]["pricingInfo"][0]["pricingExpression"]
    if expression["usageUnit"] != rule["unit"]:
        raise NoMatch(
            f"SKU '{found[0]['description']}' is priced per {expression['usageUnit']}, "
            f"the table per {rule['unit']}"
        )
    rates = expression["tieredRates"]
    if rule.get("first_paid_tier"):
        rates = [r for r in rates if _money(r["unitPrice"])] or rates
    value = _money(rates[0]["unitPrice"]) * Decimal(rule.get("scale", 1))
    return value.normalize()


def _money(price: dict) -> Decimal:
    return Decimal(str(price.get("units") or 0)) + Decimal(price.get("nanos") or 0) / 10**9


def refresh_table(
    table: dict, skus_of: Callable[[str], list[dict]], regions: Iterable[str], today: str
) -> tuple[dict, list[str]]:
    """A copy of the table with every catalog-mapped figure read anew for `regions`, and one
    message per figure that kept its shipped value."""
    fresh = copy.deepcopy(table)
    kept: list[str] = []
    regions = sorted(set(regions))
    for key, item in fresh["items"].items():
        rule = item.get("catalog")
        if not rule:
            kept.append(f"{key}: no SKU mapping (kept {_shown(item)})")
            continue
        skus = skus_of(rule["service"])
        refreshed = 0
        for region in regions if rule["regional"] else ["global"]:
            try:
                item["prices"][region] = str(sku_price(rule, skus, region))
                refreshed += 1
            except NoMatch as exc:
                kept.append(f"{key}: {exc} (kept {_shown(item)})")
        if refreshed == (len(regions) if rule["regional"] else 1):
            item["status"] = CATALOG_STATUS
    fresh["as_of"] = today
    return fresh, kept


def _shown(item: dict) -> str:
    return ", ".join(f"{r} {p}" for r, p in item["prices"].items())
