"""Cloud SQL, its database and user, and the secrets Terraform generates for it (the password,
the KEK passphrase), one test per invariant, on the synthesized Terraform JSON."""

from __future__ import annotations

import json
import re
from typing import Any

from settings import Settings
from tests.support.terraform import Doc, Synth, one, res


def test_sql_current_postgres_with_settings(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    sql = one(doc, "google_sql_database_instance")
    db = settings.database
    assert sql["name"] == settings.names.sql_instance
    assert sql["database_version"] == db.version.value
    assert int(sql["database_version"].removeprefix("POSTGRES_")) >= 16
    s = sql["settings"]
    assert (s["tier"], s["edition"], s["availability_type"]) == (
        db.tier,
        db.edition.value,
        db.availability.value,
    )
    assert s["disk_size"] == db.disk_size_gb
    assert s["disk_autoresize"] is True


def test_sql_network_exposure(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    ip = one(doc, "google_sql_database_instance")["settings"]["ip_configuration"]
    assert ip["ssl_mode"] == "ENCRYPTED_ONLY"
    assert not ip.get("authorized_networks")
    if settings.target.is_gke:
        assert ip["ipv4_enabled"] is False
        assert ip["allocated_ip_range"] == settings.names.private_services_range
    else:  # proxy-only public IP: no authorized network, connectors required
        assert ip["ipv4_enabled"] is True
        assert "private_network" not in ip
    settings_block = one(doc, "google_sql_database_instance")["settings"]
    assert settings_block["connector_enforcement"] == "REQUIRED"


def test_sql_protected_backed_up_and_maintained(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    sql = one(doc, "google_sql_database_instance")
    db = settings.database
    assert sql["deletion_protection"] is True
    s = sql["settings"]
    assert s["deletion_protection_enabled"] is True
    assert s["retain_backups_on_delete"] is True
    backup = s["backup_configuration"]
    assert backup["enabled"] is True
    assert backup["point_in_time_recovery_enabled"] is True
    assert backup["start_time"] == db.backup_start_time
    assert backup["transaction_log_retention_days"] == db.transaction_log_retention_days
    assert backup["backup_retention_settings"]["retained_backups"] == db.retained_backups
    assert s["maintenance_window"]["day"] == db.maintenance_day
    assert s["maintenance_window"]["hour"] == db.maintenance_hour
    assert s["insights_config"]["query_insights_enabled"] is True


def test_sql_flags(gke: Doc) -> None:
    flags = {
        f["name"]: f["value"]
        for f in one(gke, "google_sql_database_instance")["settings"]["database_flags"]
    }
    # IAM login, and what CIS 6.2 / checkov ask (CKV_GCP_54 and 57 crash on JSON: asserted here).
    assert flags["cloudsql.iam_authentication"] == "on"
    for flag in ("log_checkpoints", "log_connections", "log_disconnections", "log_lock_waits"):
        assert flags[flag] == "on", flag
    assert flags["log_temp_files"] == "0"
    assert flags["log_min_duration_statement"] == "-1"
    assert flags["log_min_error_statement"] == "error"
    assert flags["log_min_messages"] in {"warning", "error"}
    for stats in ("log_executor_stats", "log_parser_stats", "log_planner_stats"):
        assert flags.get(stats, "off") == "off"


def test_database_and_user(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    assert one(doc, "google_sql_database")["name"] == settings.names.database == "mlflow"
    users = {u["name"]: u for u in res(doc, "google_sql_user").values()}
    builtin = users[settings.names.db_user]
    assert builtin.get("type") in (None, "BUILT_IN")
    iam_user = users[settings.names.workload_sa_email.removesuffix(".gserviceaccount.com")]
    assert iam_user["type"] == "CLOUD_IAM_SERVICE_ACCOUNT"


def _by_path(doc: Doc, type_: str, path: str) -> tuple[str, dict[str, Any]]:
    """The one `type_` resource of construct path `path` (cdktf's address: the path joined
    by `_`, then a hash)."""
    pattern = re.escape(path.replace("/", "_")) + r"_[0-9A-F]{8}"
    (found,) = [(a, r) for a, r in res(doc, type_).items() if re.fullmatch(pattern, a)]
    return found


def test_password_generated_by_terraform_and_only_referenced(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    address, password = _by_path(doc, "random_password", "database/password")
    assert password["length"] >= 32
    result = f"${{random_password.{address}.result}}"
    secret_address, secret = _by_path(
        doc, "google_secret_manager_secret", "database/password-secret"
    )
    assert secret["secret_id"] == settings.names.db_password_secret
    assert secret["replication"] == {"auto": {}}
    _, version = _by_path(doc, "google_secret_manager_secret_version", "database/password-version")
    assert version["secret_data"] == result
    assert version["secret"] == f"${{google_secret_manager_secret.{secret_address}.id}}"
    users = {u["name"]: u for u in res(doc, "google_sql_user").values()}
    assert users[settings.names.db_user]["password"] == result
    # Every password-like value in the whole document is a reference, never a literal.
    text = json.dumps(doc)
    for key, value in re.findall(r'"(\w*(?:password|secret_data)\w*)": "([^"]*)"', text):
        assert value.startswith("${random_password.") or value.startswith("${jsonencode({"), (
            key,
            value,
        )
    assert "random_password" not in json.dumps(doc["output"])  # no output carries it


def _kek_payload(doc: Doc) -> str:
    _, version = _by_path(doc, "google_secret_manager_secret_version", "kek/secret-version")
    return str(version["secret_data"])


def test_kek_passphrase_generated_by_terraform_in_its_own_secret(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    address, passphrase = _by_path(doc, "random_password", "kek/passphrase-v1")
    assert passphrase["length"] >= 32  # MLflow: "high-entropy (32+ characters)"
    assert passphrase["special"] is False  # JSON, env var and PBKDF2 take it unchanged
    secret_address, secret = _by_path(doc, "google_secret_manager_secret", "kek/secret")
    assert secret["secret_id"] == settings.names.kek_secret
    assert secret["deletion_protection"] is settings.database.deletion_protection
    _, version = _by_path(doc, "google_secret_manager_secret_version", "kek/secret-version")
    assert version["secret"] == f"${{google_secret_manager_secret.{secret_address}.id}}"
    # The version and its passphrase travel together; the first version has no previous one.
    assert version["secret_data"] == (
        f'${{jsonencode({{"version" = 1, "passphrase" = random_password.{address}.result, '
        '"previous" = []})}'
    )
    # A replaced version is disabled (kept), and never leaves a moment without one.
    assert version["deletion_policy"] == "DISABLE"
    assert version["lifecycle"] == {"create_before_destroy": True}


def test_kek_rotation_keeps_the_previous_passphrase(
    tf_synth: Synth, gke_settings: Settings
) -> None:
    rotated = gke_settings.model_copy(
        update={"server": gke_settings.server.model_copy(update={"kek_version": 3})}
    )
    doc = tf_synth(rotated)
    v2, _ = _by_path(doc, "random_password", "kek/passphrase-v2")
    v3, _ = _by_path(doc, "random_password", "kek/passphrase-v3")
    kek_passwords = [a for a in res(doc, "random_password") if a.startswith("kek_")]
    assert len(kek_passwords) == 2  # v1 is gone: only one rotation back is kept
    assert _kek_payload(doc) == (
        f'${{jsonencode({{"version" = 3, "passphrase" = random_password.{v3}.result, '
        f'"previous" = [{{"version" = 2, "passphrase" = random_password.{v2}.result}}]}})}}'
    )
