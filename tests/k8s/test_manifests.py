"""The Namespace, ServiceAccount, ConfigMap and secrets of the synthesized charts, one test per
invariant."""

from __future__ import annotations

from pathlib import Path

import yaml

from settings import Settings
from tests.support import charts
from tests.support.charts import Objects


def test_charts_sort_namespace_first(env: tuple[Settings, Objects]) -> None:
    settings, objects = env
    ids = list(objects)
    assert ids == sorted(ids)
    assert [o["kind"] for o in objects[ids[0]]] == ["Namespace"]
    assert objects[ids[0]][0]["metadata"]["name"] == settings.names.namespace
    for obj in charts.every(objects):
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == settings.names.namespace, obj["kind"]


def test_every_object_has_the_recommended_labels(env: tuple[Settings, Objects]) -> None:
    _, objects = env
    keys = {"name", "instance", "component", "part-of", "version", "managed-by"}
    for obj in charts.every(objects):
        labels = obj["metadata"].get("labels", {})
        assert {f"app.kubernetes.io/{k}" for k in keys} <= set(labels), obj["kind"]
    pod_labels = charts.one(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert {f"app.kubernetes.io/{k}" for k in keys} <= set(pod_labels)


def test_service_account_uses_workload_identity_on_gke(
    gke_settings: Settings, gke: Objects
) -> None:
    sa = charts.one(gke, "ServiceAccount")
    assert sa["metadata"]["name"] == gke_settings.names.ksa
    assert sa["metadata"]["annotations"] == {
        "iam.gke.io/gcp-service-account": gke_settings.names.workload_sa_email
    }
    assert sa["automountServiceAccountToken"] is False
    assert "imagePullSecrets" not in sa
    assert charts.pod_spec(gke)["serviceAccountName"] == sa["metadata"]["name"]


def test_config_map_holds_the_non_secret_settings(gke_settings: Settings, gke: Objects) -> None:
    data = charts.config(gke)
    names = gke_settings.names
    assert data["MLFLOW_ARTIFACTS_DESTINATION"] == names.artifact_destination
    assert data["CLOUD_SQL_CONNECTION_NAME"] == names.connection_name
    assert data["DB_NAME"] == names.database
    assert data["DB_USER"] == names.db_user
    assert (data["DB_HOST"], data["DB_PORT"]) == ("127.0.0.1", "5432")
    assert (data["MLFLOW_HOST"], data["MLFLOW_PORT"]) == ("0.0.0.0", "5000")  # noqa: S104
    assert data["MLFLOW_WORKERS"] == "1"
    assert data["MLFLOW_SERVE_ARTIFACTS"] == "true"
    assert data["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] == "false"
    assert "GOOGLE_APPLICATION_CREDENTIALS" not in data  # Workload Identity, no key
    # Workload Identity: no credentials variable; the pod's own address only (allowed hosts).
    assert [e["name"] for e in charts.containers(charts.pod_spec(gke))["mlflow"]["env"]] == [
        "POD_IP"
    ]


# --- Secrets -------------------------------------------------------------------------------------


def test_gke_has_no_secret_object_and_mounts_secret_manager(
    gke_settings: Settings, gke: Objects
) -> None:
    assert not [o for o in charts.every(gke) if o["kind"] == "Secret"]
    spc = charts.one(gke, "SecretProviderClass")
    assert spc["spec"]["provider"] == "gke"
    names = gke_settings.names
    assert yaml.safe_load(spc["spec"]["parameters"]["secrets"]) == [
        {
            "resourceName": f"projects/{names.project_id}/secrets/"
            f"{names.db_password_secret}/versions/latest",
            "path": "password",
        },
        {
            "resourceName": f"projects/{names.project_id}/secrets/"
            f"{names.kek_secret}/versions/latest",
            "path": "kek-passphrase",
        },
    ]
    pod = charts.pod_spec(gke)
    (volume,) = [v for v in pod["volumes"] if v["name"] == "db-password"]
    assert volume["csi"]["driver"] == "secrets-store-gke.csi.k8s.io"
    assert volume["csi"]["volumeAttributes"] == {"secretProviderClass": spc["metadata"]["name"]}
    _assert_password_file_is_mounted(gke)


def _assert_password_file_is_mounted(objects: Objects) -> None:
    config = charts.config(objects)
    path = Path(config["DB_PASSWORD_FILE"])
    assert path.name == "password"
    # The KEK passphrase beside it: one volume, read by the entry point before MLflow starts.
    assert Path(config["KEK_PASSPHRASE_FILE"]) == path.parent / "kek-passphrase"
    pod = charts.pod_spec(objects)
    for name in ("db-migrate", "mlflow"):
        mounts = {m["mountPath"]: m for m in charts.containers(pod)[name]["volumeMounts"]}
        assert str(path.parent) in mounts, name
        assert mounts[str(path.parent)]["name"] == "db-password"
        assert mounts[str(path.parent)]["readOnly"] is True
    assert "cloud-sql-proxy" not in {
        c for c, spec in charts.containers(pod).items() if str(path.parent) in str(spec)
    }
