"""make cost: the figures follow the price table and the outputs (fixture Terraform JSON and
manifests with known inputs), and no resource of a committed environment escapes the estimate."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from ops.cost.estimate import FREE, PRICED, estimate_environment, estimate_outputs, resource_types
from ops.cost.machines import machine_shape, sql_shape
from ops.cost.manifests import GIB, pod_requests
from ops.cost.model import Estimate, Line
from ops.cost.prices import PriceTable, load_prices
from ops.environments import environments
from settings.errors import ConfigError
from settings.workload import quantity_value
from tests.ops.cost_fixtures import (
    AUTOPILOT_CLUSTER,
    EXISTING_AUTOPILOT,
    MANIFESTS,
    REGION,
    STANDARD,
)

P = load_prices()
H = P.hours


def price(key: str, table: PriceTable = P) -> Decimal:
    return table.price(key, REGION).value


def line(estimate: Estimate, start: str) -> Line:
    found = [x for x in estimate.lines if x.item.startswith(start)]
    assert len(found) == 1, [x.item for x in estimate.lines]
    return found[0]


def run(terraform: dict, manifests: list[dict] = MANIFESTS, table: PriceTable = P) -> Estimate:
    return estimate_outputs(
        environment="fx",
        region=REGION,
        stack="fx",
        terraform=terraform,
        manifests=manifests,
        prices=table,
    )


def test_standard_regional_cluster_nodes_and_disks_per_zone() -> None:
    e = run(STANDARD)
    fee = line(e, "cluster management fee (Standard, regional")
    assert fee.low == fee.high == price("gke.cluster_hour") * H
    assert not [x for x in e.lines if "free tier" in x.item]  # regional Standard: no credit
    node = (4 * price("compute.n2.vcpu_hour") + 16 * price("compute.n2.gib_hour")) * H
    nodes = line(e, "nodes n2-standard-4 x 3..6")  # 1..2 per zone x 3 zones of the region
    assert (nodes.low, nodes.high) == (node * 3, node * 6)
    disks = line(e, "boot disks 100 GiB pd-ssd x 3..6")
    assert (disks.low, disks.high) == (
        price("disk.pd-ssd.gib_month") * 300,
        price("disk.pd-ssd.gib_month") * 600,
    )


def test_cloud_sql_edition_tier_storage_and_ha() -> None:
    e = run(STANDARD)
    compute = line(e, "pg: ENTERPRISE_PLUS db-perf-optimized-N-4 x 2 (REGIONAL")
    per = 4 * price("sql.enterprise_plus.vcpu_hour") + 32 * price("sql.enterprise_plus.gib_hour")
    assert compute.low == compute.high == per * H * 2
    storage = line(e, "pg: storage SSD 20..50 GiB (autoresize) x 2")
    assert (storage.low, storage.high) == (
        price("sql.ssd.gib_month") * 40,
        price("sql.ssd.gib_month") * 100,
    )
    replica = line(e, "replica: ENTERPRISE db-custom-2-7680 (ZONAL)")
    per = 2 * price("sql.enterprise.vcpu_hour") + Decimal("7.5") * price("sql.enterprise.gib_hour")
    assert replica.low == per * H
    shared = line(e, "small: ENTERPRISE db-g1-small (ZONAL)")
    assert shared.low == price("sql.db-g1-small.hour") * H
    assert line(e, "pg: backups (7 kept").usage.startswith(
        f"${price('sql.backup.gib_month')} per GiB"
    )


def test_network_lines_follow_the_nodes_and_the_ingress() -> None:
    e = run(STANDARD)
    gateway = line(e, "nat: gateway for 3..6 node VMs")
    assert (gateway.low, gateway.high) == (
        price("nat.vm_hour") * H * 3,
        price("nat.vm_hour") * H * 6,
    )
    assert line(e, "nat: 1 external IP").low == price("nat.ip_hour") * H
    # allow-http false: the HTTPS rule only; the first five rules cost one minimum charge.
    rules = line(e, "forwarding rules x 1 (web HTTPS)")
    assert rules.low == price("lb.rule_hour") * H
    ip = line(e, "static IP ip (in use by the Ingress's forwarding rules)")
    assert ip.low == price("ip.forwarding_rule_hour") * H
    assert line(e, "zone example.com. (public)").low == price("dns.zone_month")


def test_secrets_monitoring_and_usage_lines() -> None:
    e = run(STANDARD)
    # user-managed replication in two locations: each version is billed per location.
    assert line(e, "version of api-key x 2 locations").low == price("secrets.version_month") * 2
    policy = line(e, "alert policy two (2 conditions)")
    series = H * 120 * 2 / 1_000_000 * price("monitoring.series_million")
    assert policy.low == price("monitoring.condition_month") * 2 + series
    uptime = line(e, "uptime check every 300s from 3 locations")
    assert uptime.low == 0  # inside the free million
    assert "26,280 runs" in uptime.item
    bucket = line(e, "bucket b (NEARLINE, EUROPE-WEST1)")
    assert bucket.low == bucket.high == 0
    assert f"${price('gcs.nearline.gib_month') * 100:.2f} per 100 GiB" in bucket.usage


def test_a_changed_price_moves_the_figure() -> None:
    raw = copy.deepcopy(P.raw)
    raw["items"]["compute.n2.vcpu_hour"]["prices"] = {REGION: "1"}
    raw["items"]["gke.cluster_hour"]["prices"] = {"global": "0.5"}
    changed = PriceTable(raw)
    e = run(STANDARD, table=changed)
    assert line(e, "cluster management fee").low == Decimal("0.5") * H
    node = (4 * Decimal(1) + 16 * price("compute.n2.gib_hour")) * H
    assert line(e, "nodes n2-standard-4").low == node * 3
    assert "compute.n2.vcpu_hour" not in e.fallbacks  # the region's own figure
    assert "compute.n2.gib_hour" in run(STANDARD).fallbacks  # the list region's


def test_autopilot_bills_the_pods_requests_and_gets_the_credit() -> None:
    e = run(AUTOPILOT_CLUSTER)
    assert (
        line(e, "cluster management fee (Autopilot, regional").low == price("gke.cluster_hour") * H
    )
    credit = line(e, "free tier credit")
    # The credit covers a 744-hour month of the fee; the estimate's 730 hours cost less.
    fee = price("gke.cluster_hour") * H
    assert (credit.low, credit.high) == (-min(price("gke.free_tier_credit_month"), fee), 0)
    assert not [x for x in e.lines if x.item.startswith("nodes")]
    # 250m + 50m sidecar; 768Mi + 32Mi; 9Gi ephemeral; the HPA's 2..4 replicas.
    per_pod = H * (
        Decimal("0.3") * price("autopilot.vcpu_hour")
        + quantity_value("672Mi") / GIB * price("autopilot.gib_hour")
        + 9 * price("autopilot.ephemeral_gib_hour")
    )
    pods = line(e, "Autopilot pods: web x 2..4")
    assert (pods.low, pods.high) == (per_pod * 2, per_pod * 4)
    assert line(e, "Autopilot pods: CronJob gc").low == 0


def test_existing_autopilot_cluster_bills_only_the_pods() -> None:
    e = run(EXISTING_AUTOPILOT)
    assert not [x for x in e.lines if "fee" in x.item]
    assert line(e, "Autopilot pods on the existing cluster: web x 2..4").low > 0


def test_pod_request_counts_sidecars_and_the_largest_init_container() -> None:
    spec = MANIFESTS[0]["spec"]["template"]["spec"]
    assert pod_requests(spec) == {
        "cpu": Decimal("0.3"),
        "memory": quantity_value("672Mi"),
        "ephemeral-storage": quantity_value("9Gi"),
    }
    heavy = {
        **spec,
        "initContainers": [*spec["initContainers"], {"resources": {"requests": {"cpu": "2"}}}],
    }
    assert pod_requests(heavy)["cpu"] == Decimal("2.05")


@pytest.mark.parametrize(
    ("name", "vcpus", "gib"),
    [
        ("e2-standard-2", 2, 8),
        ("n1-highmem-4", 4, 26),
        ("e2-custom-4-6144", 4, 6),
        ("custom-2-7680", 2, "7.5"),
    ],
)
def test_machine_shapes(name: str, vcpus: int, gib: int | str) -> None:
    shape = machine_shape(name)
    assert (shape.vcpus, shape.gib) == (Decimal(vcpus), Decimal(gib))


def test_unknown_machine_types_and_tiers_are_refused_with_the_fix() -> None:
    with pytest.raises(
        ConfigError,
        match=r"machine type 'c4-standard-8' has no price in ops/cost: the table covers e2, n1",
    ):
        machine_shape("c4-standard-8")
    with pytest.raises(
        ConfigError, match=r"Cloud SQL tier 'db-x' has no price .* db-custom-<vCPUs>-<MiB>"
    ):
        sql_shape("db-x")


@pytest.mark.parametrize("env", environments())
def test_every_resource_of_a_committed_environment_is_priced_or_listed_free(env: str) -> None:
    e = estimate_environment(env)
    assert e.unpriced == (), f"add {e.unpriced} to PRICED or FREE in ops/cost/estimate.py"
    assert e.high > 0
    assert e.low <= e.high


def test_priced_and_free_do_not_overlap_and_name_real_types() -> None:
    assert not set(PRICED) & set(FREE)
    assert all(
        t.startswith(("google_", "data.google_", "random_", "terraform_")) for t in [*PRICED, *FREE]
    )
    assert resource_types({"resource": {"b": {}, "a": {}}, "data": {"c": {}}}) == [
        "a",
        "b",
        "data.c",
    ]


def test_an_unknown_resource_type_is_reported_not_dropped() -> None:
    e = run({"resource": {"google_redis_instance": {"r": {}}}}, manifests=[])
    assert e.unpriced == ("google_redis_instance",)
    from ops.cost.report import render

    assert (
        "NOT ESTIMATED (add to ops/cost/estimate.py, PRICED or FREE): google_redis_instance"
        in render(e)
    )


def test_default_environment_costs_more_than_the_local_profile() -> None:
    from ops.cost.report import render_difference

    dev, local = estimate_environment("dev"), estimate_environment("local")
    assert dev.low > local.low
    text = render_difference(dev, local)
    assert "== local minus dev" in text
    assert "GKE" in text


def test_cli_prints_each_table_and_the_difference(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ops.cost.__main__ import main

    monkeypatch.setattr("sys.argv", ["cost", "dev", "local"])
    main()
    out = capsys.readouterr().out
    assert out.count("== ") == 3
    assert "== local minus dev (a month)" in out
    monkeypatch.setattr("sys.argv", ["cost", "prod"])
    with pytest.raises(ConfigError, match="environment 'prod' has no config file: choose from"):
        main()


def test_readme_states_the_default_environments_current_figure() -> None:
    from ops.cost.model import money
    from settings import REPO_ROOT

    e = estimate_environment("dev")
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"**{money(e.low)} .. {money(e.high)} a month**" in readme
