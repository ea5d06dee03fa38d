"""One test per invariant of the Google Cloud stack, on the synthesized Terraform JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from settings import Settings
from settings.model import PRIVATE_GOOGLE_APIS_IPS

Doc = dict[str, Any]
Synth = Callable[[Settings], Doc]

ISSUE_APIS = {
    f"{api}.googleapis.com"
    for api in (
        "container",
        "sqladmin",
        "iam",
        "iamcredentials",
        "artifactregistry",
        "cloudbuild",
        "secretmanager",
        "servicenetworking",
        "compute",
        "iap",
    )
}


def res(doc: Doc, type_: str) -> dict[str, dict[str, Any]]:
    return doc.get("resource", {}).get(type_, {})


def one(doc: Doc, type_: str) -> dict[str, Any]:
    found = res(doc, type_)
    assert len(found) == 1, f"expected one {type_}, found {sorted(found)}"
    return next(iter(found.values()))


def ref(type_: str, doc: Doc, attr: str) -> str:
    """The Terraform reference to the one `type_` resource's attribute."""
    (address,) = res(doc, type_)
    return f"${{{type_}.{address}.{attr}}}"


@pytest.fixture(scope="module")
def gke(tf_synth: Synth, gke_settings: Settings) -> Doc:
    return tf_synth(gke_settings)


@pytest.fixture(scope="module")
def local(tf_synth: Synth, local_settings: Settings) -> Doc:
    return tf_synth(local_settings)


@pytest.fixture(scope="module")
def keyed(tf_synth: Synth, keyed_settings: Settings) -> Doc:
    return tf_synth(keyed_settings)


@pytest.fixture(params=["gke", "local", "keyed"])
def env(request: pytest.FixtureRequest) -> tuple[Settings, Doc]:
    name = request.param
    return request.getfixturevalue(f"{name}_settings"), request.getfixturevalue(name)


# --- 1. APIs -----------------------------------------------------------------------------------


def test_required_apis_enabled_and_kept_on_destroy(gke: Doc, local: Doc) -> None:
    services = {r["service"] for r in res(gke, "google_project_service").values()}
    assert services >= ISSUE_APIS | {"dns.googleapis.com"}
    for doc in (gke, local):
        for r in res(doc, "google_project_service").values():
            assert r["disable_on_destroy"] is False, r["service"]
    local_services = {r["service"] for r in res(local, "google_project_service").values()}
    assert "sqladmin.googleapis.com" in local_services
    assert "container.googleapis.com" not in local_services


# --- 2. Bucket ---------------------------------------------------------------------------------


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
    if settings.is_gke:
        assert one(doc, "google_container_cluster")["resource_labels"] == settings.common_labels
        pool = one(doc, "google_container_node_pool")
        assert pool["node_config"]["resource_labels"] == settings.common_labels


# --- 3. Network --------------------------------------------------------------------------------


def test_vpc_native_subnet_with_private_google_access(gke: Doc, gke_settings: Settings) -> None:
    net = gke_settings.network
    vpc = one(gke, "google_compute_network")
    assert vpc["name"] == gke_settings.names.network
    assert vpc["auto_create_subnetworks"] is False
    subnet = one(gke, "google_compute_subnetwork")
    assert subnet["name"] == gke_settings.names.subnet
    assert subnet["ip_cidr_range"] == net.subnet_cidr
    assert subnet["private_ip_google_access"] is True
    assert subnet["log_config"]["flow_sampling"] > 0
    ranges = {r["range_name"]: r["ip_cidr_range"] for r in subnet["secondary_ip_range"]}
    assert ranges == {"pods": net.pods_cidr, "services": net.services_cidr}
    cluster = one(gke, "google_container_cluster")
    assert cluster["ip_allocation_policy"] == {
        "cluster_secondary_range_name": "pods",
        "services_secondary_range_name": "services",
    }
    assert cluster["networking_mode"] == "VPC_NATIVE"


def test_private_services_access_for_cloud_sql(gke: Doc, gke_settings: Settings) -> None:
    psa = next(
        r
        for r in res(gke, "google_compute_global_address").values()
        if r.get("purpose") == "VPC_PEERING"
    )
    assert psa["name"] == gke_settings.names.private_services_range
    assert f"{psa['address']}/{psa['prefix_length']}" == (
        gke_settings.network.private_services_cidr
    )
    conn = one(gke, "google_service_networking_connection")
    assert conn["service"] == "servicenetworking.googleapis.com"
    assert conn["network"] == ref("google_compute_network", gke, "id")
    sql = one(gke, "google_sql_database_instance")
    assert sql["settings"]["ip_configuration"]["private_network"] == conn["network"]
    # The instance waits for the peering; otherwise its creation fails on a fresh project.
    connection_address = next(iter(res(gke, "google_service_networking_connection")))
    assert f"google_service_networking_connection.{connection_address}" in sql["depends_on"]


def test_cloud_nat_for_the_subnet(gke: Doc, gke_settings: Settings) -> None:
    router = one(gke, "google_compute_router")
    nat = one(gke, "google_compute_router_nat")
    assert (router["name"], nat["name"]) == (gke_settings.names.router, gke_settings.names.nat)
    assert nat["nat_ip_allocate_option"] == "AUTO_ONLY"
    assert nat["subnetwork"] == [
        {
            "name": ref("google_compute_subnetwork", gke, "id"),
            "source_ip_ranges_to_nat": ["ALL_IP_RANGES"],
        }
    ]


def test_private_google_zones(gke: Doc) -> None:
    """googleapis.com (every API) and gstatic.com (IAP's signing keys, www.gstatic.com) both
    resolve to private.googleapis.com's addresses, the only ones the NetworkPolicy allows."""
    zones = {z["dns_name"]: z for z in res(gke, "google_dns_managed_zone").values()}
    assert set(zones) == {"googleapis.com.", "gstatic.com."}
    for zone in zones.values():
        assert zone["visibility"] == "private"
        assert zone["private_visibility_config"]["networks"] == [
            {"network_url": ref("google_compute_network", gke, "id")}
        ]
    records = {r["name"]: r for r in res(gke, "google_dns_record_set").values()}
    assert records["private.googleapis.com."]["type"] == "A"
    assert records["private.googleapis.com."]["rrdatas"] == list(PRIVATE_GOOGLE_APIS_IPS)
    assert records["*.googleapis.com."]["type"] == "CNAME"
    assert records["*.googleapis.com."]["rrdatas"] == ["private.googleapis.com."]
    assert records["gstatic.com."]["type"] == "A"
    assert records["gstatic.com."]["rrdatas"] == list(PRIVATE_GOOGLE_APIS_IPS)
    assert records["*.gstatic.com."]["type"] == "CNAME"
    assert records["*.gstatic.com."]["rrdatas"] == ["gstatic.com."]
    by_zone = {r["name"]: r["managed_zone"] for r in records.values()}
    assert by_zone["*.gstatic.com."] == by_zone["gstatic.com."] != by_zone["*.googleapis.com."]


@pytest.mark.parametrize(
    "type_",
    [
        "google_compute_network",
        "google_compute_router_nat",
        "google_container_cluster",
        "google_container_node_pool",
        "google_dns_managed_zone",
        "google_iap_web_iam_member",
    ],
)
def test_local_profile_has_no_gke_side(local: Doc, type_: str) -> None:
    assert not res(local, type_)
    assert not res(local, "google_compute_global_address")


# --- 4. Cloud SQL ------------------------------------------------------------------------------


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
    if settings.is_gke:
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


# --- 5. Identity -------------------------------------------------------------------------------


def test_no_basic_or_admin_role_anywhere(env: tuple[Settings, Doc]) -> None:
    _, doc = env
    for type_, resources in doc["resource"].items():
        for address, r in resources.items():
            role = r.get("role", "")
            assert role not in {"roles/owner", "roles/editor", "roles/viewer"}, address
            assert "admin" not in role.lower(), (type_, address, role)
    for banned in ("google_project_iam_binding", "google_project_iam_policy"):
        assert not res(doc, banned)


def test_project_level_roles_are_the_unavoidable_few(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    roles = sorted(
        r["role"]
        for r in res(doc, "google_project_iam_member").values()
        if r["role"].startswith("roles/")  # custom roles: test_image_build.py
    )
    # The build account writes logs: Google offers no narrower scope for it.
    expected = ["roles/cloudsql.client", "roles/cloudsql.instanceUser", "roles/logging.logWriter"]
    if settings.is_gke:
        expected.append("roles/container.defaultNodeServiceAccount")
    assert roles == sorted(expected)
    instance = f"projects/{settings.project_id}/instances/{settings.names.sql_instance}"
    for r in res(doc, "google_project_iam_member").values():
        if r["role"].startswith("roles/cloudsql."):
            # No instance-level IAM in Cloud SQL: the condition narrows it to the instance.
            assert f'resource.name == "{instance}"' in r["condition"]["expression"]


def test_workload_access_is_resource_scoped(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    accounts = {a["account_id"] for a in res(doc, "google_service_account").values()}
    expected = {settings.names.workload_sa_id, settings.names.build_sa_id}
    if settings.is_gke:
        expected.add(settings.names.node_sa_id)
    assert accounts == expected  # one workload identity, one per other role, nothing more
    workload = next(
        addr
        for addr, a in res(doc, "google_service_account").items()
        if a["account_id"] == settings.names.workload_sa_id
    )
    member = f"${{google_service_account.{workload}.member}}"
    (bucket_iam,) = [
        g for g in res(doc, "google_storage_bucket_iam_member").values() if g["member"] == member
    ]
    artifacts = next(
        a
        for a, b in res(doc, "google_storage_bucket").items()
        if b["name"] == settings.names.bucket
    )
    assert bucket_iam["bucket"] == f"${{google_storage_bucket.{artifacts}.name}}"
    assert bucket_iam["role"] == "roles/storage.objectUser"
    assert bucket_iam["member"] == member
    for banned in ("google_storage_bucket_iam_binding", "google_storage_bucket_iam_policy"):
        assert not res(doc, banned)
    names = settings.names
    (project,) = doc["data"]["google_project"]
    ksa_principal = (
        f"principal://iam.googleapis.com/projects/${{data.google_project.{project}.number}}/"
        f"locations/global/workloadIdentityPools/{names.workload_pool}/subject/ns/"
        f"{names.namespace}/sa/{names.ksa}"
    )
    secret_grants = res(doc, "google_secret_manager_secret_iam_member").values()
    secrets = {
        f"${{google_secret_manager_secret.{address}.id}}"
        for address in res(doc, "google_secret_manager_secret")
    }
    assert len(secrets) == 2  # the database password and the KEK passphrase
    for grant in secret_grants:
        assert grant["role"] == "roles/secretmanager.secretAccessor"
    # On each secret alone: the workload account, and on GKE the KSA itself (the Secret
    # Manager add-on's identity, which mounts both or none).
    expected_members = [member, ksa_principal] if settings.is_gke else [member]
    for secret in secrets:
        members = [g["member"] for g in secret_grants if g["secret_id"] == secret]
        assert sorted(members) == sorted(expected_members), secret
    assert {g["secret_id"] for g in secret_grants} == secrets
    sql_roles = {
        r["role"] for r in res(doc, "google_project_iam_member").values() if r["member"] == member
    }
    assert sql_roles == {"roles/cloudsql.client", "roles/cloudsql.instanceUser"}


def test_workload_identity_binding(gke: Doc, gke_settings: Settings) -> None:
    names = gke_settings.names
    assert names.workload_pool == f"{gke_settings.project_id}.svc.id.goog"
    (binding,) = [
        b
        for b in res(gke, "google_service_account_iam_member").values()
        if b["role"] == "roles/iam.workloadIdentityUser"
    ]
    assert binding["member"] == (
        f"serviceAccount:{names.workload_pool}[{names.namespace}/{names.ksa}]"
    )
    workload = next(
        addr
        for addr, a in res(gke, "google_service_account").items()
        if a["account_id"] == names.workload_sa_id
    )
    assert binding["service_account_id"] == f"${{google_service_account.{workload}.name}}"
    cluster = one(gke, "google_container_cluster")
    assert cluster["workload_identity_config"] == {"workload_pool": names.workload_pool}
    # The pool exists only once a cluster created it: the binding must wait for the cluster.
    (cluster_address,) = res(gke, "google_container_cluster")
    assert binding["depends_on"] == [f"google_container_cluster.{cluster_address}"]


def test_node_service_account_least_privilege(gke: Doc, gke_settings: Settings) -> None:
    nodes = next(
        addr
        for addr, a in res(gke, "google_service_account").items()
        if a["account_id"] == gke_settings.names.node_sa_id
    )
    email, member = (f"${{google_service_account.{nodes}.{a}}}" for a in ("email", "member"))
    node_roles = {
        r["role"] for r in res(gke, "google_project_iam_member").values() if r["member"] == member
    }
    assert node_roles == {"roles/container.defaultNodeServiceAccount"}
    (reader,) = [
        r
        for r in res(gke, "google_artifact_registry_repository_iam_member").values()
        if r["role"] == "roles/artifactregistry.reader"
    ]
    assert reader["member"] == member
    assert one(gke, "google_container_node_pool")["node_config"]["service_account"] == email
    assert one(gke, "google_container_cluster")["node_config"]["service_account"] == email


def test_nothing_key_like_on_gke(gke: Doc) -> None:
    assert not res(gke, "google_service_account_key")
    text = json.dumps(gke)
    assert "private_key" not in text
    assert not any(o.get("sensitive") for o in gke["output"].values())


def test_key_opt_in_only_as_sensitive_output(keyed: Doc, local: Doc) -> None:
    assert not res(local, "google_service_account_key")  # keyless unless opted in
    assert not any(o.get("sensitive") for o in local["output"].values())
    key = one(keyed, "google_service_account_key")
    workload = next(
        a
        for a, r in res(keyed, "google_service_account").items()
        if r["account_id"].endswith("-server")
    )
    assert key["service_account_id"] == f"${{google_service_account.{workload}.name}}"
    sensitive = {k: o for k, o in keyed["output"].items() if o.get("sensitive")}
    assert list(sensitive) == ["workload_sa_key"]
    assert sensitive["workload_sa_key"]["value"] == ref(
        "google_service_account_key", keyed, "private_key"
    )
    # The keyed image-pull secret uses the workload identity: it may read the repository.
    (reader,) = [
        g
        for g in res(keyed, "google_artifact_registry_repository_iam_member").values()
        if g["role"] == "roles/artifactregistry.reader"
    ]
    assert reader["member"] == f"${{google_service_account.{workload}.member}}"
    assert reader["role"] == "roles/artifactregistry.reader"


# --- 6. GKE ------------------------------------------------------------------------------------


def test_gke_cluster_hardening(gke: Doc, gke_settings: Settings) -> None:
    c = one(gke, "google_container_cluster")
    assert c["name"] == gke_settings.names.cluster
    assert c["location"] == gke_settings.cluster_location
    assert c["deletion_protection"] is True
    assert c["private_cluster_config"]["enable_private_nodes"] is True
    assert c["private_cluster_config"]["master_ipv4_cidr_block"] == (
        gke_settings.network.master_cidr
    )
    assert c["enable_shielded_nodes"] is True
    assert c["release_channel"] == {"channel": gke_settings.cluster.release_channel.value}
    assert c["datapath_provider"] == "ADVANCED_DATAPATH"  # Dataplane V2 enforces NetworkPolicy
    assert c["secret_manager_config"] == {"enabled": True}
    assert c["monitoring_config"]["managed_prometheus"] == {"enabled": True}  # PodMonitoring
    assert c["enable_legacy_abac"] is False
    assert c["master_auth"] == {"client_certificate_config": {"issue_client_certificate": False}}
    assert c["addons_config"]["http_load_balancing"] == {"disabled": False}
    assert c["remove_default_node_pool"] is True
    assert "node_pool" not in c  # the pool is its own resource


def test_control_plane_reachable_only_from_authorized_networks(
    tf_synth: Synth, gke: Doc, gke_settings: Settings
) -> None:
    mans = one(gke, "google_container_cluster")["master_authorized_networks_config"]
    assert mans["gcp_public_cidrs_access_enabled"] is False  # not every GCE VM of any project
    cidrs = [b["cidr_block"] for b in mans["cidr_blocks"]]
    assert cidrs == list(gke_settings.network.master_authorized_cidrs)
    opened = gke_settings.model_copy(
        update={
            "network": gke_settings.network.model_copy(
                update={"control_plane_google_cloud_access": True}
            )
        }
    )
    cluster = one(tf_synth(opened), "google_container_cluster")
    assert cluster["master_authorized_networks_config"]["gcp_public_cidrs_access_enabled"] is True


def test_registry_writers_scoped_to_the_repository(tf_synth: Synth, gke_settings: Settings) -> None:
    pusher = "serviceAccount:123456789-compute@developer.gserviceaccount.com"
    with_writer = gke_settings.model_copy(
        update={"registry": gke_settings.registry.model_copy(update={"writers": (pusher,)})}
    )
    doc = tf_synth(with_writer)
    grants = res(doc, "google_artifact_registry_repository_iam_member").values()
    writers = [g for g in grants if g["role"] == "roles/artifactregistry.writer"]
    # The configured writer, and the project's own build account (test_image_build.py).
    assert [g["member"] for g in writers if not g["member"].startswith("${")] == [pusher]
    assert len(writers) == 2
    assert not [
        g for g in res(doc, "google_project_iam_member").values() if "artifactregistry" in g["role"]
    ]


def test_gke_node_pool(gke: Doc, gke_settings: Settings) -> None:
    pool = one(gke, "google_container_node_pool")
    cfg = gke_settings.cluster
    assert pool["name"] == gke_settings.names.node_pool
    assert pool["cluster"] == ref("google_container_cluster", gke, "id")
    assert pool["autoscaling"] == {"min_node_count": cfg.min_nodes, "max_node_count": cfg.max_nodes}
    assert pool["management"] == {"auto_repair": True, "auto_upgrade": True}
    node = pool["node_config"]
    assert node["machine_type"] == cfg.machine_type
    assert node["machine_type"] not in {"e2-micro", "e2-small", "f1-micro", "g1-small"}
    assert node["workload_metadata_config"] == {"mode": "GKE_METADATA"}
    assert node["shielded_instance_config"] == {
        "enable_integrity_monitoring": True,
        "enable_secure_boot": True,
    }
    assert node["metadata"] == {"disable-legacy-endpoints": "true"}
    assert node["image_type"] == "COS_CONTAINERD"


# --- 7. Registry -------------------------------------------------------------------------------


def test_artifact_registry_replaces_gcr(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    repo = one(doc, "google_artifact_registry_repository")
    assert repo["repository_id"] == settings.names.registry_repository
    assert repo["format"] == "DOCKER"
    assert repo["location"] == settings.region
    assert not res(doc, "google_container_registry")
    uri = doc["output"]["registry_uri"]["value"]
    assert settings.names.image.startswith(f"{uri}/") or settings.server.image


# --- 8. Edge -----------------------------------------------------------------------------------


def test_static_ip_ssl_policy_and_iap(gke: Doc, gke_settings: Settings) -> None:
    ip = next(
        r
        for r in res(gke, "google_compute_global_address").values()
        if r.get("address_type") == "EXTERNAL"
    )
    assert ip["name"] == gke_settings.names.static_ip
    ssl = one(gke, "google_compute_ssl_policy")
    assert ssl["name"] == gke_settings.names.ssl_policy
    assert ssl["min_tls_version"] == "TLS_1_2"
    assert ssl["profile"] in {"MODERN", "RESTRICTED"}
    iap = res(gke, "google_iap_web_iam_member")
    assert sorted(m["member"] for m in iap.values()) == sorted(gke_settings.ingress.iap_members)
    for member in iap.values():
        assert member["role"] == "roles/iap.httpsResourceAccessor"
        assert member["condition"]["expression"] == f'request.host == "{gke_settings.ingress.host}"'
    for banned in ("google_iap_brand", "google_iap_client"):
        assert not res(gke, banned)


# --- 9. Backend and outputs --------------------------------------------------------------------


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
    assert set(doc["output"]) == common | (gke if settings.is_gke else local)
    assert doc["output"]["instance_connection_name"]["value"] == ref(
        "google_sql_database_instance", doc, "connection_name"
    )


def test_the_ksa_principals_secret_grants_wait_for_the_cluster(gke: Doc) -> None:
    """IAM refuses a principal of `<project>.svc.id.goog` until a cluster created the pool:
    both of its grants (the database password and the KEK passphrase) wait for it."""
    grants = [
        g
        for g in res(gke, "google_secret_manager_secret_iam_member").values()
        if g["member"].startswith("principal://")
    ]
    assert len(grants) == 2
    (cluster,) = res(gke, "google_container_cluster")
    for grant in grants:
        assert f"google_container_cluster.{cluster}" in grant["depends_on"]
