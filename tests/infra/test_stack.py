"""The stack as a whole: the artifact bucket, labels, the state backend and the outputs, one test
per invariant, on the synthesized Terraform JSON."""

from __future__ import annotations

from settings import Settings
from tests.support.terraform import Doc, one, ref, res


def test_bucket_is_private_versioned_and_kept(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    (bucket,) = [
        b for b in res(doc, "google_storage_bucket").values() if b["name"] == settings.names.bucket
    ]
    assert bucket["location"] == settings.bucket_location
    assert bucket["uniform_bucket_level_access"] is True
    assert bucket["public_access_prevention"] == "enforced"
    assert bucket["versioning"] == {"enabled": True}
    assert bucket["soft_delete_policy"]["retention_duration_seconds"] == (
        settings.bucket.soft_delete_days * 86_400
    )
    (rule,) = bucket["lifecycle_rule"]
    assert rule["action"]["type"] == "Delete"
    assert rule["condition"]["days_since_noncurrent_time"] == (
        settings.bucket.noncurrent_version_days
    )
    assert bucket["force_destroy"] is False


def test_labels_on_every_labelled_resource(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    provider = doc["provider"]["google"][0]
    assert provider["default_labels"] == settings.common_labels
    sql = one(doc, "google_sql_database_instance")
    assert sql["settings"]["user_labels"] == settings.common_labels
    if settings.target.is_gke:
        assert one(doc, "google_container_cluster")["resource_labels"] == settings.common_labels
        pool = one(doc, "google_container_node_pool")
        assert pool["node_config"]["resource_labels"] == settings.common_labels


def test_local_backend_by_default(local: Doc, local_settings: Settings) -> None:
    assert local_settings.state_bucket is None
    assert local["terraform"]["backend"] == {
        "local": {"path": f"../../../terraform.{local_settings.names.terraform_stack}.tfstate"}
    }


def test_gcs_backend_when_state_bucket_set(gke: Doc, gke_settings: Settings) -> None:
    assert gke_settings.state_bucket == "acme-ml-platform-tfstate"
    assert gke["terraform"]["backend"] == {
        "gcs": {
            "bucket": "acme-ml-platform-tfstate",
            "prefix": f"mlflow/{gke_settings.names.terraform_stack}",
        }
    }


def test_outputs(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    common = {
        "bucket_url",
        "instance_connection_name",
        "workload_sa_email",
        "registry_uri",
        "db_password_secret_id",
        "build_service_account",
        "kek_secret_id",
    }
    gke = {
        "database_private_ip",
        "static_ip_address",
        "static_ip_name",
        "ssl_policy_name",
        "cluster_name",
        "cluster_location",
    }
    local = {"database_public_ip"}
    if settings.local is not None:
        local.add("federation_provider" if settings.local.federated else "workload_sa_key")
    assert set(doc["output"]) == common | (gke if settings.target.is_gke else local)
    assert doc["output"]["instance_connection_name"]["value"] == ref(
        "google_sql_database_instance", doc, "connection_name"
    )
