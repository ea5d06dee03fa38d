"""The database's modes in the synthesized stack: Private Service Connect (the instance's
psc_config, the endpoint, the private DNS record, no peering) and IAM login (no password, no
secret, no built-in user); the current tiers' storage and data cache; the quieter log flags."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from settings import REPO_ROOT, Settings, parse_settings
from tests.support.configs import FIXTURE_ENVS, fixture_settings
from tests.support.terraform import Doc, Synth, one, ref, res


def _instance(doc: Doc) -> dict[str, Any]:
    return one(doc, "google_sql_database_instance")


def test_psc_instance_allows_the_vpcs_project_and_has_no_other_address(
    tf_synth: Synth, psc_settings: Settings
) -> None:
    ip = _instance(tf_synth(psc_settings))["settings"]["ip_configuration"]
    assert ip["psc_config"] == [
        {"psc_enabled": True, "allowed_consumer_projects": [psc_settings.project_id]}
    ]
    assert ip["ipv4_enabled"] is False
    assert "private_network" not in ip
    assert "allocated_ip_range" not in ip


def test_psc_endpoint_targets_the_service_attachment(
    tf_synth: Synth, psc_settings: Settings
) -> None:
    doc = tf_synth(psc_settings)
    names = psc_settings.names
    address = one(doc, "google_compute_address")
    assert address["address_type"] == "INTERNAL"
    assert address["address"] == "10.70.15.253"
    assert address["subnetwork"] == ref("google_compute_subnetwork", doc, "id")
    rule = one(doc, "google_compute_forwarding_rule")
    assert rule["name"] == names.psc_endpoint
    assert rule["target"] == ref("google_sql_database_instance", doc, "psc_service_attachment_link")
    assert rule["ip_address"] == ref("google_compute_address", doc, "self_link")
    assert rule["load_balancing_scheme"] == ""
    assert rule["network"] == ref("google_compute_network", doc, "id")


def test_psc_dns_name_resolves_to_the_endpoint_in_the_vpc_only(
    tf_synth: Synth, psc_settings: Settings
) -> None:
    doc = tf_synth(psc_settings)
    dns_name = ref("google_sql_database_instance", doc, "dns_name")
    (zone,) = [z for z in res(doc, "google_dns_managed_zone").values() if z["dns_name"] == dns_name]
    assert zone["visibility"] == "private"
    assert zone["private_visibility_config"]["networks"] == [
        {"network_url": ref("google_compute_network", doc, "id")}
    ]
    (record,) = [r for r in res(doc, "google_dns_record_set").values() if r["name"] == dns_name]
    assert record["type"] == "A"
    assert record["rrdatas"] == [ref("google_compute_address", doc, "address")]
    assert set(doc["output"]) >= {"database_psc_endpoint", "database_dns_name"}


def test_psc_has_no_peering_to_tear_down(tf_synth: Synth, psc_settings: Settings) -> None:
    doc = tf_synth(psc_settings)
    assert not res(doc, "google_service_networking_connection")
    assert not [
        a
        for a in res(doc, "google_compute_global_address").values()
        if a.get("purpose") == "VPC_PEERING"
    ]


def test_psc_on_a_shared_vpc_puts_the_endpoint_in_the_host(tf_synth: Synth) -> None:
    data = yaml.safe_load((REPO_ROOT / "tests/configs/shared.yaml").read_text())
    data = copy.deepcopy(data)
    data["database"] = {
        "connectivity": "psc",
        "psc_subnetwork": "gke-nodes",
        "psc_endpoint_address": "10.2.0.9",
    }
    s = parse_settings(yaml.safe_dump(data), env="sharedpsc", source="t.yaml")
    doc = tf_synth(s)
    address = one(doc, "google_compute_address")
    assert address["project"] == "acme-net-host"
    assert address["subnetwork"] == (
        "projects/acme-net-host/regions/europe-west3/subnetworks/gke-nodes"
    )
    assert one(doc, "google_compute_forwarding_rule")["project"] == "acme-net-host"
    ip = _instance(doc)["settings"]["ip_configuration"]
    assert ip["psc_config"][0]["allowed_consumer_projects"] == ["acme-net-host"]


def test_iam_login_has_no_password_anywhere(tf_synth: Synth, psc_settings: Settings) -> None:
    doc = tf_synth(psc_settings)
    names = psc_settings.names
    # The KEK passphrase is the one generated value left (infra/kek.py).
    assert [k for k in res(doc, "random_password") if not k.startswith("kek_")] == []
    secrets = {s["secret_id"] for s in res(doc, "google_secret_manager_secret").values()}
    assert secrets == {names.kek_secret}
    (user,) = res(doc, "google_sql_user").values()
    assert user["name"] == names.db_iam_user
    assert user["type"] == "CLOUD_IAM_SERVICE_ACCOUNT"
    roles = {m["role"] for m in res(doc, "google_project_iam_member").values()}
    assert {"roles/cloudsql.client", "roles/cloudsql.instanceUser"} <= roles
    assert "db_password_secret_id" not in doc["output"]
    flags = {f["name"]: f["value"] for f in _instance(doc)["settings"]["database_flags"]}
    assert flags["cloudsql.iam_authentication"] == "on"


def test_password_mode_keeps_both_users(tf_synth: Synth, gke_settings: Settings) -> None:
    """The IAM user exists in password mode too: db-migrate's handover makes it a member of
    the owner role before anyone switches."""
    users = {u["name"]: u for u in res(tf_synth(gke_settings), "google_sql_user").values()}
    assert set(users) == {gke_settings.names.db_user, gke_settings.names.db_iam_user}


def test_c4a_with_data_cache_on_hyperdisk(tf_synth: Synth, psc_settings: Settings) -> None:
    settings = _instance(tf_synth(psc_settings))["settings"]
    assert settings["tier"] == "db-c4a-highmem-4"
    assert settings["edition"] == "ENTERPRISE_PLUS"
    assert settings["disk_type"] == "HYPERDISK_BALANCED"
    assert settings["data_cache_config"] == {"data_cache_enabled": True}


def test_no_statement_is_logged_for_its_duration_alone(tf_synth: Synth) -> None:
    """log_duration (a line per statement) is gone from every environment; slow statements'
    texts stay unlogged (CIS 6.2) unless the team asks."""
    for env in FIXTURE_ENVS:
        doc = tf_synth(fixture_settings(env))
        flags = {f["name"]: f["value"] for f in _instance(doc)["settings"]["database_flags"]}
        assert "log_duration" not in flags, env
        assert flags["log_min_duration_statement"] == "-1", env


def test_slow_statement_logging_is_the_teams_choice(
    tf_synth: Synth, gke_settings: Settings
) -> None:
    s = gke_settings.model_copy(
        update={
            "database": gke_settings.database.model_copy(
                update={"log_min_duration_statement_ms": 1000}
            )
        }
    )
    flags = {f["name"]: f["value"] for f in _instance(tf_synth(s))["settings"]["database_flags"]}
    assert flags["log_min_duration_statement"] == "1000"
