"""Cloud Monitoring in the Terraform JSON: which alerts exist on which platform, what each
watches, with which threshold, who is told, and the dashboard that draws them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from infra.monitoring import (
    METRIC_TYPES,
    ingress_forwarding_rule_regex,
    trim_fields_evenly,
)
from settings import ConfigError, Settings, parse_settings
from settings.advice import advice

Doc = dict[str, Any]
Synth = Callable[[Settings], Doc]

GKE_ALERTS = {
    "database-disk",
    "database-cpu",
    "ingress-unreachable",
    "load-balancer-errors",
    "server-unreachable",
    "container-restarts",
}
EVERY_PLATFORM = {"database-disk", "database-cpu"}


def res(doc: Doc, type_: str) -> dict[str, dict[str, Any]]:
    return dict(doc.get("resource", {}).get(type_, {}))


def policies(doc: Doc) -> dict[str, dict[str, Any]]:
    """Alert policies by their id in infra/monitoring/ (address: monitoring_<id>_<hash>)."""
    found = {}
    for address, policy in res(doc, "google_monitoring_alert_policy").items():
        match = re.fullmatch(r"monitoring_(.+)_[0-9A-F]{8}", address)
        assert match, address
        found[match[1]] = policy
    return found


def conditions(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        next(iter(v for k, v in c.items() if k.startswith("condition_")))
        for c in policy["conditions"]
    ]


def metric_types(text: str) -> set[str]:
    return set(re.findall(r'metric\.type=\\?"([^"\\]+)\\?"', text))


@pytest.fixture(params=["gke", "local", "keyed", "knobs"])
def env(request: pytest.FixtureRequest, tf_synth: Synth) -> tuple[Settings, Doc]:
    settings = request.getfixturevalue(f"{request.param}_settings")
    return settings, tf_synth(settings)


def test_each_platform_gets_the_alerts_for_what_it_has(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    assert set(policies(doc)) == (GKE_ALERTS if settings.target.is_gke else EVERY_PLATFORM)
    checks = res(doc, "google_monitoring_uptime_check_config")
    # An uptime check only with an ingress.
    assert len(checks) == (1 if settings.target.is_gke else 0)
    assert len(res(doc, "google_monitoring_dashboard")) == 1


def test_every_alert_tells_every_address_and_says_what_to_do(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    channels = res(doc, "google_monitoring_notification_channel")
    assert sorted(c["labels"]["email_address"] for c in channels.values()) == sorted(
        settings.monitoring.notification_emails
    )
    assert all(c["type"] == "email" for c in channels.values())
    refs = sorted(f"${{google_monitoring_notification_channel.{a}.id}}" for a in channels)
    for name, policy in policies(doc).items():
        assert sorted(policy["notification_channels"]) == refs, name
        assert policy["combiner"] == "OR"
        assert policy["display_name"].startswith(f"{settings.names.base}: ")
        assert policy["severity"] in {"CRITICAL", "ERROR", "WARNING"}
        assert policy["documentation"]["mime_type"] == "text/markdown"
        assert len(policy["documentation"]["content"]) > 100, name
        assert policy["alert_strategy"]["auto_close"] == "1800s"
        assert policy["user_labels"] == settings.common_labels


def test_every_monitoring_resource_waits_for_the_monitoring_api(env: tuple[Settings, Doc]) -> None:
    _, doc = env
    (api,) = [
        a
        for a, r in res(doc, "google_project_service").items()
        if r["service"] == "monitoring.googleapis.com"
    ]
    for type_, resources in doc["resource"].items():
        if type_.startswith("google_monitoring_"):
            for address, r in resources.items():
                assert r["depends_on"] == [f"google_project_service.{api}"], address


def test_every_filter_watches_a_known_metric_of_this_environment(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    names = settings.names
    for name, policy in policies(doc).items():
        for condition in conditions(policy):
            text = condition["filter"] + condition.get("denominator_filter", "")
            assert metric_types(text), name
            assert metric_types(text) <= set(METRIC_TYPES), name
            if "cloudsql" in text:
                assert f'database_id="{settings.project_id}:{names.sql_instance}"' in text
            if "kubernetes.io" in text or "prometheus" in text:
                assert f'"{names.namespace}"' in text
                assert f'"{names.cluster}"' in text


def test_thresholds_come_from_the_settings(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    t = settings.monitoring
    found = {name: conditions(p) for name, p in policies(doc).items()}
    (disk,) = found["database-disk"]
    assert disk["threshold_value"] == pytest.approx(t.database_disk_percent / 100)
    (cpu,) = found["database-cpu"]
    assert cpu["threshold_value"] == pytest.approx(t.database_cpu_percent / 100)
    assert cpu["duration"] == f"{60 * t.database_cpu_minutes}s"
    if not settings.target.is_gke:
        return
    (errors,) = found["load-balancer-errors"]
    assert errors["threshold_value"] == pytest.approx(t.error_rate_percent / 100)
    assert "response_code_class=500" in errors["filter"]
    assert "response_code_class" not in errors["denominator_filter"]  # 5xx of all requests
    (restarts,) = found["container-restarts"]
    assert restarts["threshold_value"] == t.restarts_per_hour
    assert restarts["aggregations"][0]["alignment_period"] == "3600s"
    (uptime,) = found["ingress-unreachable"]
    assert uptime["duration"] == f"{60 * t.unreachable_minutes}s"
    below, absent = found["server-unreachable"]
    assert (below["comparison"], below["threshold_value"]) == ("COMPARISON_LT", 1)
    assert absent["duration"] == below["duration"] == f"{60 * t.unreachable_minutes}s"


def test_the_knobs_fixture_moves_every_threshold(
    knobs_settings: Settings, gke_settings: Settings
) -> None:
    """tests/configs/knobs.yaml sets each threshold away from its default."""
    knobs, defaults = knobs_settings.monitoring, gke_settings.monitoring
    fields = set(type(knobs).model_fields) - {"enabled", "notification_emails"}
    assert all(getattr(knobs, f) != getattr(defaults, f) for f in fields)


def test_the_uptime_check_expects_iaps_sign_in_redirect(
    tf_synth: Synth, gke_settings: Settings
) -> None:
    doc = tf_synth(gke_settings)
    (address, check), *_ = res(doc, "google_monitoring_uptime_check_config").items()
    host = gke_settings.ingress.host
    assert check["monitored_resource"] == {
        "type": "uptime_url",
        "labels": {"project_id": gke_settings.project_id, "host": host},
    }
    http = check["http_check"]
    assert (http["path"], http["port"], http["use_ssl"], http["validate_ssl"]) == (
        "/",
        443,
        True,
        True,
    )
    # Only IAP's 302: a 200 (IAP off) or a 5xx fails the check.
    assert http["accepted_response_status_codes"] == [{"status_value": 302}]
    assert check["period"] == f"{gke_settings.monitoring.uptime_check_period_seconds}s"
    (uptime,) = conditions(policies(doc)["ingress-unreachable"])
    assert (
        f"${{google_monitoring_uptime_check_config.{address}.uptime_check_id}}" in uptime["filter"]
    )


def test_the_load_balancer_alert_watches_the_ingress_forwarding_rule(
    tf_synth: Synth, gke_settings: Settings
) -> None:
    names = gke_settings.names
    (errors,) = conditions(policies(tf_synth(gke_settings))["load-balancer-errors"])
    pattern = ingress_forwarding_rule_regex(names.namespace, names.service)
    for text in (errors["filter"], errors["denominator_filter"]):
        assert (
            f'resource.label.forwarding_rule_name=monitoring.regex.full_match("{pattern}")' in text
        )
    # The name GKE Ingress gives the rule (ingress-gce's own test vector's shape) matches.
    assert re.fullmatch(pattern, f"k8s2-fs-7kpbhpki-{names.namespace}-{names.service}-uhmwf5xi")
    assert not re.fullmatch(pattern, f"k8s2-fr-7kpbhpki-{names.namespace}-{names.service}-uhmwf5xi")


@pytest.mark.parametrize(
    ("namespace", "name", "expected"),
    # ingress-gce pkg/utils/namer/frontendnamer_test.go, TestV2IngressFrontendNamer.
    [
        ("namespace", "name", ["namespace", "name"]),
        ("0123456789" * 5, "0", ["012345678901234567890123456789012345", ""]),
        ("0", "0123456789" * 5, ["0", "01234567890123456789012345678901234"]),
        ("0123456789" * 5, "0123456789" * 5, ["012345678901234567", "012345678901234567"]),
        (
            ("0123456789" * 3)[:23],
            ("0123456789" * 3)[:24],
            ["012345678901234567", "012345678901234567"],
        ),
    ],
)
def test_names_are_trimmed_as_gke_ingress_trims_them(
    namespace: str, name: str, expected: list[str]
) -> None:
    assert trim_fields_evenly(36, namespace, name) == expected


def test_the_dashboard_draws_every_alert_with_its_threshold(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    (dashboard,) = res(doc, "google_monitoring_dashboard").values()
    body = json.loads(dashboard["dashboard_json"])
    assert body["displayName"] == f"MLflow {settings.names.base}"
    tiles = body["mosaicLayout"]["tiles"]
    assert len(tiles) == (6 if settings.target.is_gke else 2)
    spots = {(t["xPos"], t["yPos"]) for t in tiles}
    assert len(spots) == len(tiles)  # no two charts on one spot
    assert all(t["xPos"] + t["width"] <= body["mosaicLayout"]["columns"] for t in tiles)
    drawn: dict[str, float] = {}
    for tile in tiles:
        chart = tile["widget"]["xyChart"]
        (data,) = chart["dataSets"]
        text = data["timeSeriesQuery"]["timeSeriesFilter"]["filter"]
        (metric,) = metric_types(text)
        assert metric in METRIC_TYPES
        for threshold in chart.get("thresholds", []):
            drawn[metric] = threshold["value"]
    t = settings.monitoring
    assert drawn["cloudsql.googleapis.com/database/disk/utilization"] == pytest.approx(
        t.database_disk_percent / 100
    )
    if settings.target.is_gke:
        assert drawn["kubernetes.io/container/restart_count"] == t.restarts_per_hour


def test_monitoring_off_creates_nothing_and_enables_no_api(
    tf_synth: Synth, gke_settings: Settings
) -> None:
    off = gke_settings.model_copy(
        update={"monitoring": gke_settings.monitoring.model_copy(update={"enabled": False})}
    )
    doc = tf_synth(off)
    assert not [t for t in doc["resource"] if t.startswith("google_monitoring_")]
    services = {r["service"] for r in res(doc, "google_project_service").values()}
    assert "monitoring.googleapis.com" not in services


def test_no_address_is_warned_about(gke_settings: Settings) -> None:
    quiet = gke_settings.model_copy(
        update={
            "monitoring": gke_settings.monitoring.model_copy(update={"notification_emails": ()})
        }
    )
    assert any("monitoring.notification_emails is empty" in n for n in advice(quiet))
    assert not [n for n in advice(gke_settings) if "notification_emails" in n]


@pytest.mark.parametrize(
    ("monitoring", "phrases"),
    [
        ({"notification_emails": ["not-an-address"]}, ["notification_emails", "an email address"]),
        ({"uptime_check_period_seconds": 30}, ["uptime_check_period_seconds", "60", "900"]),
        ({"unreachable_minutes": 1}, ["unreachable_minutes", "at least 2"]),
        ({"error_rate_percent": 0}, ["error_rate_percent"]),
        ({"database_disk_percent": 101}, ["database_disk_percent", "at most 100"]),
    ],
)
def test_bad_monitoring_settings_are_refused_by_name(
    monitoring: dict[str, Any], phrases: list[str]
) -> None:
    text = yaml.safe_dump(
        {"project_id": "acme-ml-mon", "region": "europe-west4", "monitoring": monitoring}
    )
    with pytest.raises(ConfigError) as caught:
        parse_settings(text, env="t", source="t.yaml")
    message = str(caught.value)
    assert message.startswith("t.yaml: monitoring"), message
    for phrase in phrases:
        assert phrase in message, message
