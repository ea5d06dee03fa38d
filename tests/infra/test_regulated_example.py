"""examples/config/regulated.yaml, the issue's enterprise organization in one config: CMEK,
Private Service Connect, VPC Service Controls and regional secrets together. Its fixture twin
(tests/configs/regulated.yaml, own names) is snapshotted and checked by checkov, the invariants
and kubernetes-validate with the others; this checks that the two say the same and that the
stack carries every part."""

from __future__ import annotations

from typing import Any

from settings import REPO_ROOT, load_settings
from tests.support.configs import fixture_settings
from tests.support.terraform import Synth

KEY = "projects/acme-security-kms/locations/europe-west4/keyRings/mlflow/cryptoKeys/mlflow"


def test_the_example_and_its_fixture_choose_the_same() -> None:
    example = load_settings("regulated", folder=REPO_ROOT / "examples" / "config")
    fixture = fixture_settings("regulated")
    assert example.modes == fixture.modes
    for section in ("locations", "secrets", "encryption", "network", "database"):
        assert getattr(example, section) == getattr(fixture, section), section


def test_the_stack_has_every_part(tf_synth: Synth) -> None:
    doc: dict[str, Any] = tf_synth(fixture_settings("regulated"))
    res = doc["resource"]
    assert "google_secret_manager_secret" not in res  # regional secrets only
    for secret in res["google_secret_manager_regional_secret"].values():
        assert secret["location"] == "europe-west4"
        assert secret["customer_managed_encryption"] == {"kms_key_name": KEY}
    (sql,) = res["google_sql_database_instance"].values()
    assert sql["encryption_key_name"] == KEY
    assert sql["settings"]["ip_configuration"]["psc_config"][0]["psc_enabled"] is True
    assert "google_service_networking_connection" not in res  # no peering
    assert any(r.get("target") for r in res["google_compute_forwarding_rule"].values())
    zones = {z["dns_name"] for z in res["google_dns_managed_zone"].values()}
    assert "googleapis.com." in zones
    records = res["google_dns_record_set"].values()
    assert any(r["rrdatas"] == ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"]
               for r in records if r["type"] == "A")  # fmt: skip
    assert "google_sql_user" in res
    assert not [u for u in res["google_sql_user"].values() if u.get("password")]
