"""CMEK and regional secrets on the synthesized stack (tests/configs/cmek.yaml)."""

from __future__ import annotations

import pytest

from settings import Settings
from tests.support.terraform import Doc, Synth, one, res

KEY = "projects/acme-security-kms/locations/europe-west4/keyRings/mlflow/cryptoKeys/mlflow"
SQL_KEY = KEY.removesuffix("mlflow") + "sql"


@pytest.fixture(scope="module")
def cmek(tf_synth: Synth, cmek_settings: Settings) -> Doc:
    return tf_synth(cmek_settings)


def _grant(doc: Doc, use: str) -> tuple[str, dict]:
    (address,) = [a for a in res(doc, "google_kms_crypto_key_iam_member") if f"_{use}-agent_" in a]
    return f"google_kms_crypto_key_iam_member.{address}", res(
        doc, "google_kms_crypto_key_iam_member"
    )[address]


def test_every_data_resource_has_its_key_and_waits_for_its_grant(cmek: Doc) -> None:
    sql = one(cmek, "google_sql_database_instance")
    assert sql["encryption_key_name"] == SQL_KEY
    assert _grant(cmek, "database")[0] in sql["depends_on"]
    for bucket in res(cmek, "google_storage_bucket").values():  # artifacts and build staging
        assert bucket["encryption"] == {"default_kms_key_name": KEY}
        assert _grant(cmek, "bucket")[0] in bucket["depends_on"]
    repo = one(cmek, "google_artifact_registry_repository")
    assert repo["kms_key_name"] == KEY
    assert _grant(cmek, "registry")[0] in repo["depends_on"]
    cluster = one(cmek, "google_container_cluster")
    assert cluster["database_encryption"] == {"state": "ENCRYPTED", "key_name": KEY}
    assert cluster["node_config"]["boot_disk_kms_key"] == KEY
    assert {_grant(cmek, "disks")[0], _grant(cmek, "cluster")[0]} <= set(cluster["depends_on"])
    pool = one(cmek, "google_container_node_pool")
    assert pool["node_config"]["boot_disk_kms_key"] == KEY


def test_secrets_are_regional_and_encrypted(cmek: Doc) -> None:
    assert res(cmek, "google_secret_manager_secret") == {}
    secrets = res(cmek, "google_secret_manager_regional_secret")
    assert len(secrets) == 2  # the database password and the KEK passphrase
    for secret in secrets.values():
        assert secret["location"] == "europe-west4"
        assert secret["customer_managed_encryption"] == {"kms_key_name": KEY}
        assert _grant(cmek, "secrets")[0] in secret["depends_on"]
        # The KEK passphrase is kept; the database password can be made again from Terraform's
        # state, and a switch to database.auth iam deletes it (infra/database_auth/).
        assert secret["deletion_protection"] is secret["secret_id"].endswith("-kek")
    readers = res(cmek, "google_secret_manager_regional_secret_iam_member")
    assert {r["role"] for r in readers.values()} == {"roles/secretmanager.secretAccessor"}
    assert all(r["location"] for r in readers.values())


@pytest.mark.parametrize(
    ("use", "agent"),
    [
        ("database", "@gcp-sa-cloud-sql.iam.gserviceaccount.com"),
        ("secrets", "@gcp-sa-secretmanager.iam.gserviceaccount.com"),
        ("registry", "@gcp-sa-artifactregistry.iam.gserviceaccount.com"),
        ("disks", "@compute-system.iam.gserviceaccount.com"),
        ("cluster", "@container-engine-robot.iam.gserviceaccount.com"),
        ("bucket", "data.google_storage_project_service_account."),
    ],
)
def test_each_service_agent_may_use_its_key(cmek: Doc, use: str, agent: str) -> None:
    _, grant = _grant(cmek, use)
    assert grant["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert agent in grant["member"]
    assert grant["crypto_key_id"] == (SQL_KEY if use == "database" else KEY)


def test_autopilot_nodes_take_the_disk_key(tf_synth: Synth, cmek_settings: Settings) -> None:
    data = cmek_settings.model_dump(mode="json", exclude_unset=True)
    data["cluster"] = {"mode": "autopilot"}
    doc = tf_synth(Settings.model_validate(data))
    cluster = one(doc, "google_container_cluster")
    defaults = cluster["cluster_autoscaling"]["auto_provisioning_defaults"]
    assert defaults["boot_disk_kms_key"] == KEY
    assert cluster["database_encryption"]["state"] == "ENCRYPTED"


def test_without_encryption_nothing_changes(gke: Doc) -> None:
    assert res(gke, "google_kms_crypto_key_iam_member") == {}
    assert "encryption_key_name" not in one(gke, "google_sql_database_instance")
    assert "database_encryption" not in one(gke, "google_container_cluster")
    assert res(gke, "google_secret_manager_regional_secret") == {}
