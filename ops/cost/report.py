"""Estimates as text: a table per environment, and the difference between two."""

from __future__ import annotations

from decimal import Decimal

from ops.cost.model import Estimate, Line, money

MARK = "*"  # a price not read on Google's own page (prices.json: status)
FALLBACK = "~"  # a regional price of the list region standing in for the deployment's


def _mark(line: Line, estimate: Estimate) -> str:
    marks = MARK if line.unconfirmed else ""
    if any(p.key in estimate.fallbacks for p in line.prices):
        marks += FALLBACK
    return marks


def _table(rows: list[tuple[str, str, str, str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    out = []
    for i, (a, b, c, d) in enumerate(rows):
        out.append(
            f"{a:<{widths[0]}}  {b:<{widths[1]}}  {c:>{widths[2]}}  {d:>{widths[3]}}".rstrip()
        )
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def render(estimate: Estimate) -> str:
    rows = [("service", "item", "min/month", "max/month")]
    usage = []
    for line in estimate.lines:
        item = line.item + _mark(line, estimate)
        rows.append((line.service, item, money(line.low), money(line.high)))
        if line.usage:
            usage.append(f"  {line.service}, {line.item}: {line.usage}")
    rows.append(("", "total", money(estimate.low), money(estimate.high)))
    out = [
        f"== {estimate.environment} (stack {estimate.stack}, {estimate.region}): "
        f"{money(estimate.low)} .. {money(estimate.high)} a month",
        *_table(rows),
    ]
    if usage:
        out += ["", "Not in the figures (billed by usage):", *usage]
    out += footnotes(estimate)
    return "\n".join(out)


def footnotes(estimate: Estimate) -> list[str]:
    out = [
        "",
        f"USD list prices of ops/cost/prices.json (as of {estimate.as_of}; 730 hours a month; "
        "no discounts, taxes or free-tier credits other than the lines shown).",
        f"{MARK} price not confirmed on Google's pricing page (prices.json: status, source).",
    ]
    if estimate.fallbacks:
        out.append(
            f"{FALLBACK} {estimate.list_region} list price: the table has no {estimate.region} "
            "figure (run make refresh-prices; European regions are typically a few percent higher)."
        )
    if estimate.unpriced:
        out.append(
            "NOT ESTIMATED (add to ops/cost/estimate.py, PRICED or FREE): "
            + ", ".join(estimate.unpriced)
        )
    return out


def _by_service(estimate: Estimate) -> dict[str, tuple[Decimal, Decimal]]:
    found: dict[str, tuple[Decimal, Decimal]] = {}
    for line in estimate.lines:
        low, high = found.get(line.service, (Decimal(0), Decimal(0)))
        found[line.service] = (low + line.low, high + line.high)
    return found


def render_difference(a: Estimate, b: Estimate) -> str:
    """b minus a, by service and in total."""
    left, right = _by_service(a), _by_service(b)
    rows = [("service", f"{a.environment} -> {b.environment}", "min/month", "max/month")]
    for service in list(dict.fromkeys([*left, *right])):
        la, ha = left.get(service, (Decimal(0), Decimal(0)))
        lb, hb = right.get(service, (Decimal(0), Decimal(0)))
        if (la, ha) == (lb, hb):
            continue
        span = f"{money(la)}..{money(ha)} -> {money(lb)}..{money(hb)}"
        rows.append((service, span, _signed(lb - la), _signed(hb - ha)))
    rows.append(("", "total", _signed(b.low - a.low), _signed(b.high - a.high)))
    return "\n".join([f"== {b.environment} minus {a.environment} (a month)", *_table(rows)])


def _signed(value: Decimal) -> str:
    text = money(value)
    return text if text.startswith("-") else f"+{text}"
