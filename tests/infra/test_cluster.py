"""The GKE cluster and node pool, the image registry and the edge (static IP, SSL policy, IAP),
one test per invariant, on the synthesized Terraform JSON."""

from __future__ import annotations

from settings import CreatedGke, Settings
from tests.support.terraform import Doc, Synth, one, ref, res


def test_gke_cluster_hardening(gke: Doc, gke_settings: Settings) -> None:
    c = one(gke, "google_container_cluster")
    assert c["name"] == gke_settings.names.cluster
    target = gke_settings.target
    assert isinstance(target, CreatedGke)
    assert c["location"] == target.location
    assert c["deletion_protection"] is True
    assert c["private_cluster_config"]["enable_private_nodes"] is True
    assert c["private_cluster_config"]["master_ipv4_cidr_block"] == (
        gke_settings.network.master_cidr
    )
    assert c["enable_shielded_nodes"] is True
    assert c["release_channel"] == {"channel": gke_settings.cluster.release_channel.value}
    assert c["datapath_provider"] == "ADVANCED_DATAPATH"  # Dataplane V2 enforces NetworkPolicy
    # What checkov's CKV_GCP_12, 61 and 69 read, held here for Standard clusters: .checkov.yaml
    # skips them because an Autopilot cluster's configuration cannot state them.
    assert c["network_policy"] == {"enabled": False}
    assert c["enable_intranode_visibility"] is True
    assert c["node_config"]["workload_metadata_config"] == {"mode": "GKE_METADATA"}
    assert c["secret_manager_config"] == {"enabled": True}
    assert c["monitoring_config"]["managed_prometheus"] == {"enabled": True}  # PodMonitoring
    assert c["enable_legacy_abac"] is False
    assert c["master_auth"] == {"client_certificate_config": {"issue_client_certificate": False}}
    assert c["addons_config"]["http_load_balancing"] == {"disabled": False}
    assert c["remove_default_node_pool"] is True
    assert "node_pool" not in c  # the pool is its own resource


def test_peering_control_plane_keeps_the_earlier_output(gke: Doc) -> None:
    """tests/configs/gke.yaml says control_plane: peering: no DNS endpoint block, the public
    endpoint as before."""
    c = one(gke, "google_container_cluster")
    assert "control_plane_endpoints_config" not in c
    assert c["private_cluster_config"]["enable_private_endpoint"] is False


def test_dns_control_plane_by_default(e2e_settings: Settings, tf_synth: Synth) -> None:
    """The default: the DNS-based endpoint, IAM-authorized, open to user traffic; no public IP
    endpoint; no peering range (so a new cluster's private endpoint is Private Service
    Connect, and an upgraded one keeps its computed range: no replacement)."""
    assert e2e_settings.network.control_plane.value == "dns"
    c = one(tf_synth(e2e_settings), "google_container_cluster")
    assert c["control_plane_endpoints_config"] == {
        "dns_endpoint_config": {"allow_external_traffic": True}
    }
    assert c["private_cluster_config"] == {
        "enable_private_endpoint": True,
        "enable_private_nodes": True,
    }
    assert c["master_authorized_networks_config"] == {"gcp_public_cidrs_access_enabled": False}


def test_maintenance_window_weekend_nights_in_the_region(gke: Doc, gke_settings: Settings) -> None:
    """us-central1 (UTC-6): Saturday and Sunday 00:00-06:00 local is 06:00-12:00 UTC; 12
    hours a week, above GKE's 48 hours in 32 days."""
    assert gke_settings.region == "us-central1"
    window = one(gke, "google_container_cluster")["maintenance_policy"]["recurring_window"]
    assert window == {
        "recurrence": "FREQ=WEEKLY;BYDAY=SA,SU",
        "start_time": "2026-01-10T06:00:00Z",  # a Saturday
        "end_time": "2026-01-10T12:00:00Z",
    }


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


# --- Registry ------------------------------------------------------------------------------------


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


def test_artifact_registry_replaces_gcr(env: tuple[Settings, Doc]) -> None:
    settings, doc = env
    repo = one(doc, "google_artifact_registry_repository")
    assert repo["repository_id"] == settings.names.registry_repository
    assert repo["format"] == "DOCKER"
    assert repo["location"] == settings.region
    assert not res(doc, "google_container_registry")
    uri = doc["output"]["registry_uri"]["value"]
    assert settings.names.image.startswith(f"{uri}/") or settings.server.image


# --- Edge ----------------------------------------------------------------------------------------


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


def test_the_workload_may_only_list_backend_services(
    tf_synth: Synth, gke: Doc, gke_settings: Settings
) -> None:
    """No auth.backend_service_id: the server looks its backend service up, with a custom role
    holding compute.backendServices.list alone, on the cluster's project, for the workload."""
    assert gke_settings.auth.backend_service_id is not None
    lister = gke_settings.names.backend_lister_role
    roles = res(gke, "google_project_iam_custom_role").values()
    assert lister not in [r["role_id"] for r in roles]  # a configured id: no lookup, no role
    auth = gke_settings.auth.model_copy(update={"backend_service_id": None})
    doc = tf_synth(gke_settings.model_copy(update={"auth": auth}))
    (address,) = [
        k for k, r in res(doc, "google_project_iam_custom_role").items() if r["role_id"] == lister
    ]
    role = res(doc, "google_project_iam_custom_role")[address]
    assert role["permissions"] == ["compute.backendServices.list"]
    assert role["project"] == gke_settings.target.project
    name = f"${{google_project_iam_custom_role.{address}.name}}"
    grants = [m for m in res(doc, "google_project_iam_member").values() if m["role"] == name]
    workload = [
        k
        for k, v in res(doc, "google_service_account").items()
        if v["account_id"] == gke_settings.names.workload_sa_id
    ]
    assert [g["member"] for g in grants] == [f"${{google_service_account.{workload[0]}.member}}"]


# --- Autopilot (cluster.mode autopilot) ----------------------------------------------------------


def test_created_autopilot_cluster(tf_synth: Synth, gkeautopilot_settings: Settings) -> None:
    doc = tf_synth(gkeautopilot_settings)
    c = one(doc, "google_container_cluster")
    assert c["enable_autopilot"] is True
    assert c["location"] == gkeautopilot_settings.region  # Autopilot is regional
    assert "google_container_node_pool" not in doc["resource"]
    for standard_only in ("node_config", "remove_default_node_pool", "network_policy"):
        assert standard_only not in c  # the provider refuses them with enable_autopilot
    (key,) = [
        k
        for k, a in res(doc, "google_service_account").items()
        if a["account_id"] == gkeautopilot_settings.names.node_sa_id
    ]
    email = f"${{google_service_account.{key}.email}}"
    defaults = c["cluster_autoscaling"]["auto_provisioning_defaults"]
    assert defaults["service_account"] == email
    assert defaults["oauth_scopes"] == ["https://www.googleapis.com/auth/cloud-platform"]
    readers = [
        g["member"]
        for g in res(doc, "google_artifact_registry_repository_iam_member").values()
        if g["role"] == "roles/artifactregistry.reader"
    ]
    assert f"${{google_service_account.{key}.member}}" in readers
    assert c["private_cluster_config"]["enable_private_nodes"] is True
    assert c["control_plane_endpoints_config"]["dns_endpoint_config"] == {
        "allow_external_traffic": True
    }
    assert c["workload_identity_config"] == {
        "workload_pool": f"{gkeautopilot_settings.project_id}.svc.id.goog"
    }
    assert c["secret_manager_config"] == {"enabled": True}
    assert c["monitoring_config"]["managed_prometheus"] == {"enabled": True}
    assert c["release_channel"] == {"channel": "REGULAR"}
    (exclusion,) = c["maintenance_policy"]["maintenance_exclusion"]
    assert exclusion["exclusion_options"] == {"scope": "NO_MINOR_UPGRADES"}
