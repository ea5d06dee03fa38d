"""Identity: no basic or admin role, resource-scoped grants, Workload Identity, no key unless
asked for; one test per invariant, on the synthesized Terraform JSON."""

from __future__ import annotations

import json

from settings import Settings
from tests.support.terraform import Doc, one, ref, res


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
    if settings.target.is_gke:
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
    if settings.target.is_gke:
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
    expected_members = [member, ksa_principal] if settings.target.is_gke else [member]
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
