"""make refresh-prices: the SKU mapping, on a recorded fixture in the Cloud Billing Catalog
API's documented response shape (services.skus.list; invented ids and figures, no key), and
its fast failure offline."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ops.cost.catalog import CATALOG_STATUS, NoMatch, refresh_table, sku_price
from ops.cost.prices import PriceTable, load_prices
from ops.cost.refresh import require_network
from settings.errors import ConfigError

FIXTURE = json.loads((Path(__file__).parent / "data" / "billing_skus.json").read_text())
TABLE = load_prices().raw


def skus_of(service: str) -> list[dict]:
    return FIXTURE.get(service, {"skus": []})["skus"]


def rule(key: str) -> dict:
    return TABLE["items"][key]["catalog"]


def test_the_on_demand_sku_of_the_region_is_chosen() -> None:
    compute = skus_of("6F81-5844-456A")
    # Spot, Custom and the commitment SKUs of Belgium are left out by usageType and exclude.
    assert sku_price(rule("compute.e2.vcpu_hour"), compute, "europe-west1") == Decimal("0.024")
    assert sku_price(rule("compute.e2.vcpu_hour"), compute, "us-central1") == Decimal("0.021811")
    assert sku_price(rule("disk.pd-balanced.gib_month"), compute, "europe-west1") == Decimal("0.11")


def test_tiers_and_scale() -> None:
    secrets = skus_of("EE2C-7FAC-5E08")
    # The free tier is skipped; $0.000003 per access is $0.03 per 10,000.
    assert sku_price(rule("secrets.version_month"), secrets, "global") == Decimal("0.06")
    assert sku_price(rule("secrets.access_10k"), secrets, "global") == Decimal("0.03")


def test_no_match_or_a_unit_mismatch_is_refused() -> None:
    compute = skus_of("6F81-5844-456A")
    with pytest.raises(
        NoMatch, match=r"0 SKUs match \['E2 Instance Core running in'\] in asia-east1"
    ):
        sku_price(rule("compute.e2.vcpu_hour"), compute, "asia-east1")
    wrong = {**rule("compute.e2.vcpu_hour"), "unit": "GiBy.h"}
    with pytest.raises(NoMatch, match=r"priced per h, the table per GiBy\.h"):
        sku_price(wrong, compute, "europe-west1")
    loose = {**rule("compute.e2.vcpu_hour"), "exclude": []}
    with pytest.raises(NoMatch, match="2 SKUs match"):  # sole-tenant as well as shared
        sku_price(loose, compute, "europe-west1")


def test_refresh_adds_the_regions_and_keeps_what_it_cannot_map() -> None:
    fresh, kept = refresh_table(TABLE, skus_of, ["us-central1", "europe-west1"], "2027-01-02")
    e2 = fresh["items"]["compute.e2.vcpu_hour"]
    assert e2["prices"] == {"us-central1": "0.021811", "europe-west1": "0.024"}
    assert e2["status"] == CATALOG_STATUS
    assert fresh["as_of"] == "2027-01-02"
    # An item the fixture has no SKU for keeps its shipped figure and status, with a message.
    n2 = fresh["items"]["compute.n2.vcpu_hour"]
    assert n2["prices"] == TABLE["items"]["compute.n2.vcpu_hour"]["prices"]
    assert n2["status"] == TABLE["items"]["compute.n2.vcpu_hour"]["status"]
    assert any(m.startswith("compute.n2.vcpu_hour: 0 SKUs match") for m in kept)
    assert any(m.startswith("nat.max_hour: no SKU mapping") for m in kept)
    # The refreshed regional figure is then used for the region, with no fallback.
    table = PriceTable(fresh)
    assert table.price("compute.e2.vcpu_hour", "europe-west1").value == Decimal("0.024")
    assert TABLE["items"]["compute.e2.vcpu_hour"]["prices"] == {"us-central1": "0.021811"}


def test_every_catalog_rule_is_complete() -> None:
    for key, item in TABLE["items"].items():
        assert item["status"] in TABLE["status"], key
        assert item["source"].startswith("https://cloud.google.com/"), key
        if c := item.get("catalog"):
            assert set(c) >= {"service", "match", "regional", "unit"}, key


def test_offline_fails_fast_with_what_to_do() -> None:
    with pytest.raises(
        ConfigError,
        match=r"cannot reach nowhere\.invalid .*needs the internet; the shipped table "
        r"\(ops/cost/prices\.json\) stays in use",
    ):
        require_network("nowhere.invalid", timeout=1)
