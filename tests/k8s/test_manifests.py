"""Properties of the synthesized Kubernetes objects, one test per invariant of the issue."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from settings import PRIVATE_GOOGLE_APIS_CIDR, Settings

Objects = dict[str, list[dict[str, Any]]]
Synth = Callable[[Settings], Objects]


@pytest.fixture(scope="module")
def gke(k8s_synth: Synth, gke_settings: Settings) -> Objects:
    return k8s_synth(gke_settings)


@pytest.fixture(scope="module")
def local(k8s_synth: Synth, local_settings: Settings) -> Objects:
    return k8s_synth(local_settings)


@pytest.fixture(scope="module")
def keyed(k8s_synth: Synth, keyed_settings: Settings) -> Objects:
    return k8s_synth(keyed_settings)


@pytest.fixture(scope="module", params=["gke", "local", "keyed"])
def env(request: pytest.FixtureRequest) -> tuple[Settings, Objects]:
    name = request.param
    return request.getfixturevalue(f"{name}_settings"), request.getfixturevalue(name)


def _all(objects: Objects) -> Iterator[dict[str, Any]]:
    for docs in objects.values():
        yield from docs


def _one(objects: Objects, kind: str) -> dict[str, Any]:
    found = [o for o in _all(objects) if o["kind"] == kind]
    assert len(found) == 1, f"{len(found)} {kind} objects"
    return found[0]


def _pod(objects: Objects) -> dict[str, Any]:
    return _one(objects, "Deployment")["spec"]["template"]["spec"]


def _containers(pod: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in [*pod["initContainers"], *pod["containers"]]}


def _config(objects: Objects) -> dict[str, str]:
    """The server's ConfigMap (the one its containers take their environment from)."""
    pod = _pod(objects)
    (name,) = {
        s["configMapRef"]["name"] for c in _containers(pod).values() for s in c.get("envFrom", [])
    }
    (found,) = [
        o for o in _all(objects) if o["kind"] == "ConfigMap" and o["metadata"]["name"] == name
    ]
    return dict(found["data"])


# --- 1. Namespace, ServiceAccount, ConfigMap -------------------------------------------------


def test_charts_sort_namespace_first(env: tuple[Settings, Objects]) -> None:
    settings, objects = env
    ids = list(objects)
    assert ids == sorted(ids)
    assert [o["kind"] for o in objects[ids[0]]] == ["Namespace"]
    assert objects[ids[0]][0]["metadata"]["name"] == settings.names.namespace
    for obj in _all(objects):
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == settings.names.namespace, obj["kind"]


def test_every_object_has_the_recommended_labels(env: tuple[Settings, Objects]) -> None:
    _, objects = env
    keys = {"name", "instance", "component", "part-of", "version", "managed-by"}
    for obj in _all(objects):
        labels = obj["metadata"].get("labels", {})
        assert {f"app.kubernetes.io/{k}" for k in keys} <= set(labels), obj["kind"]
    pod_labels = _one(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    assert {f"app.kubernetes.io/{k}" for k in keys} <= set(pod_labels)


def test_service_account_uses_workload_identity_on_gke(
    gke_settings: Settings, gke: Objects
) -> None:
    sa = _one(gke, "ServiceAccount")
    assert sa["metadata"]["name"] == gke_settings.names.ksa
    assert sa["metadata"]["annotations"] == {
        "iam.gke.io/gcp-service-account": gke_settings.names.workload_sa_email
    }
    assert sa["automountServiceAccountToken"] is False
    assert "imagePullSecrets" not in sa
    assert _pod(gke)["serviceAccountName"] == sa["metadata"]["name"]


def test_config_map_holds_the_non_secret_settings(gke_settings: Settings, gke: Objects) -> None:
    data = _config(gke)
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
    assert "env" not in _containers(_pod(gke))["mlflow"]


# --- 2. Secrets ------------------------------------------------------------------------------


def test_gke_has_no_secret_object_and_mounts_secret_manager(
    gke_settings: Settings, gke: Objects
) -> None:
    assert not [o for o in _all(gke) if o["kind"] == "Secret"]
    spc = _one(gke, "SecretProviderClass")
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
    pod = _pod(gke)
    (volume,) = [v for v in pod["volumes"] if v["name"] == "db-password"]
    assert volume["csi"]["driver"] == "secrets-store-gke.csi.k8s.io"
    assert volume["csi"]["volumeAttributes"] == {"secretProviderClass": spc["metadata"]["name"]}
    _assert_password_file_is_mounted(gke)


def _assert_password_file_is_mounted(objects: Objects) -> None:
    config = _config(objects)
    path = Path(config["DB_PASSWORD_FILE"])
    assert path.name == "password"
    # The KEK passphrase beside it: one volume, read by the entry point before MLflow starts.
    assert Path(config["KEK_PASSPHRASE_FILE"]) == path.parent / "kek-passphrase"
    pod = _pod(objects)
    for name in ("db-migrate", "mlflow"):
        mounts = {m["mountPath"]: m for m in _containers(pod)[name]["volumeMounts"]}
        assert str(path.parent) in mounts, name
        assert mounts[str(path.parent)]["name"] == "db-password"
        assert mounts[str(path.parent)]["readOnly"] is True
    assert "cloud-sql-proxy" not in {
        c for c, spec in _containers(pod).items() if str(path.parent) in str(spec)
    }


# --- 3. Pod: proxy sidecar, migration, server --------------------------------------------------


def test_proxy_is_a_native_sidecar_ordered_before_the_migration(
    env: tuple[Settings, Objects],
) -> None:
    settings, objects = env
    pod = _pod(objects)
    init = pod["initContainers"]
    assert [c["name"] for c in init] == ["cloud-sql-proxy", "db-migrate"]
    proxy, migrate = init
    assert proxy["restartPolicy"] == "Always"
    assert "restartPolicy" not in migrate  # a regular init container: runs once, in order
    assert proxy["image"] == settings.server.proxy_image
    assert proxy["image"].startswith("gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.")
    assert [c["name"] for c in pod["containers"]] == ["mlflow"]


def test_proxy_flags(env: tuple[Settings, Objects]) -> None:
    settings, objects = env
    proxy = _containers(_pod(objects))["cloud-sql-proxy"]
    args = proxy["args"]
    assert args[0] == settings.names.connection_name
    for flag in (
        "--structured-logs",
        "--health-check",
        "--http-address=0.0.0.0",
        "--http-port=9801",
        "--exit-zero-on-sigterm",
        "--address=127.0.0.1",
        "--port=5432",
    ):
        assert flag in args
    assert ("--private-ip" in args) is settings.is_gke
    assert any(a.startswith("--credentials-file=") for a in args) is (not settings.is_gke)
    assert proxy["startupProbe"]["httpGet"] == {"path": "/startup", "port": 9801}
    assert proxy["livenessProbe"]["httpGet"] == {"path": "/liveness", "port": 9801}
    delay = next(int(a.split("=")[1].rstrip("s")) for a in args if "--max-sigterm-delay" in a)
    assert delay < _pod(objects)["terminationGracePeriodSeconds"]


def test_migration_and_server_follow_the_image_contract(env: tuple[Settings, Objects]) -> None:
    settings, objects = env
    containers = _containers(_pod(objects))
    migrate, server = containers["db-migrate"], containers["mlflow"]
    for c in (migrate, server):
        assert c["image"] == settings.names.image
        assert c["command"] == ["mlflow-entrypoint"]
        assert c["envFrom"] == [{"configMapRef": {"name": "mlflow-server-config"}}]
        assert "$(" not in json.dumps(c)
    assert migrate["args"] == ["db", "upgrade"]
    assert server["args"] == ["server"]
    assert server["ports"] == [{"containerPort": settings.server.port, "name": "http"}]


def test_server_options_come_from_mlflow_env_vars(env: tuple[Settings, Objects]) -> None:
    """Every MLFLOW_* variable in the ConfigMap is one that MLflow reads (a typo is silent)."""
    import mlflow.environment_variables as mlflow_env
    from mlflow.cli import server

    envvars = {p.envvar for p in server.params if p.envvar}
    envvars |= {v.name for v in vars(mlflow_env).values() if hasattr(v, "name")}
    _, objects = env
    data = _config(objects)
    options = {k for k in data if k.startswith("MLFLOW_")}
    assert options <= envvars, options - envvars
    assert data["MLFLOW_EXPOSE_PROMETHEUS"].startswith("/tmp/")


def test_allowed_hosts_cover_every_service_name(env: tuple[Settings, Objects]) -> None:
    """Checked with MLflow's own matcher: a miss is a 403 to every client using that name."""
    from mlflow.server.security_utils import is_allowed_host_header

    settings, objects = env
    hosts = _config(objects)["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    svc = _one(objects, "Service")
    svc_name, ns = svc["metadata"]["name"], svc["metadata"]["namespace"]
    port = svc["spec"]["ports"][0]["port"]
    expected = [
        f"{svc_name}:{port}",
        f"{svc_name}.{ns}:{port}",
        f"{svc_name}.{ns}.svc.cluster.local:{port}",
        f"{svc_name}.{ns}.svc.cluster.local",
        "localhost:5000",
    ]
    if settings.is_gke:
        pod_ip = next(ipaddress.ip_network(settings.network.pods_cidr).hosts())
        expected += [settings.ingress.host, f"{pod_ip}:5000"]  # pod IP: metrics scrape
    else:
        expected += [f"localhost:{port}"]
    for host in expected:
        assert is_allowed_host_header(hosts, host), host
    for host in ("evil.example.net", "mlflow.example.com.evil.net", "192.168.1.1"):
        assert not is_allowed_host_header(hosts, host), host


# --- 4. Probes, resources, securityContext, images ---------------------------------------------


def test_probes_on_every_long_running_container(env: tuple[Settings, Objects]) -> None:
    _, objects = env
    pod = _pod(objects)
    server = _containers(pod)["mlflow"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert server[probe]["httpGet"] == {"path": "/health", "port": "http"}, probe
    proxy = _containers(pod)["cloud-sql-proxy"]
    assert {"startupProbe", "livenessProbe"} <= set(proxy)
    # A run-to-completion init container may not have probes (API validation).
    assert not {"startupProbe", "readinessProbe", "livenessProbe"} & set(
        _containers(pod)["db-migrate"]
    )


def test_security_context_on_pod_and_every_container(env: tuple[Settings, Objects]) -> None:
    _, objects = env
    pod = _pod(objects)
    assert pod["automountServiceAccountToken"] is False
    ctx = pod["securityContext"]
    assert ctx["runAsNonRoot"] is True
    assert ctx["seccompProfile"] == {"type": "RuntimeDefault"}
    assert isinstance(ctx["fsGroup"], int)
    for name, c in _containers(pod).items():
        sc = c["securityContext"]
        assert sc["runAsNonRoot"] is True, name
        assert isinstance(sc["runAsUser"], int), name
        assert sc["runAsUser"] >= 10000, name
        assert sc["readOnlyRootFilesystem"] is True, name
        assert sc["allowPrivilegeEscalation"] is False, name
        assert sc["capabilities"] == {"drop": ["ALL"]}, name
        assert sc["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert c["imagePullPolicy"] == "IfNotPresent", name
        tag = c["image"].rsplit(":", 1)[1]
        assert tag, name
        assert tag != "latest", name
        assert {"cpu", "memory"} <= set(c["resources"]["requests"]), name
        assert "memory" in c["resources"]["limits"], name
    (tmp,) = [v for v in pod["volumes"] if v["name"] == "tmp"]
    assert "emptyDir" in tmp
    for name in ("db-migrate", "mlflow"):
        assert {"mountPath": "/tmp", "name": "tmp"} in _containers(pod)[name]["volumeMounts"]


# --- 5. Availability ---------------------------------------------------------------------------


def test_rollout_and_spread(env: tuple[Settings, Objects]) -> None:
    settings, objects = env
    deployment = _one(objects, "Deployment")
    assert deployment["spec"]["replicas"] == settings.server.replicas
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    pod = deployment["spec"]["template"]["spec"]
    keys = {c["topologyKey"] for c in pod["topologySpreadConstraints"]}
    assert keys == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
    selector = deployment["spec"]["selector"]["matchLabels"]
    for c in pod["topologySpreadConstraints"]:
        assert c["labelSelector"]["matchLabels"] == selector
        assert c["whenUnsatisfiable"] == "ScheduleAnyway"


def test_replicas_come_from_the_settings(env: tuple[Settings, Objects]) -> None:
    settings, objects = env
    assert _one(objects, "Deployment")["spec"]["replicas"] == settings.server.replicas


def test_pdb_selects_the_deployments_pods(env: tuple[Settings, Objects]) -> None:
    _, objects = env
    deployment = _one(objects, "Deployment")
    pdb = _one(objects, "PodDisruptionBudget")
    selector = pdb["spec"]["selector"]["matchLabels"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= pod_labels.items()
    assert selector == deployment["spec"]["selector"]["matchLabels"]
    assert pdb["spec"]["maxUnavailable"] == 1


def test_grace_period_covers_the_proxy_drain_and_lb_draining(gke: Objects) -> None:
    from k8s import meta

    pod = _pod(gke)
    grace = pod["terminationGracePeriodSeconds"]
    assert grace >= meta.PROXY_MAX_SIGTERM_DELAY_SECONDS + 30
    backend = _one(gke, "BackendConfig")
    assert backend["spec"]["connectionDraining"]["drainingTimeoutSec"] < grace


# --- 6. Service and ingress ----------------------------------------------------------------------


def test_service_types(gke: Objects, local: Objects, gke_settings: Settings) -> None:
    dev_svc, local_svc = _one(gke, "Service"), _one(local, "Service")
    assert dev_svc["spec"]["type"] == "ClusterIP"
    assert dev_svc["spec"]["ports"][0]["port"] == gke_settings.server.port
    assert local_svc["spec"]["type"] == "LoadBalancer"
    assert local_svc["spec"]["ports"][0]["port"] == 8081  # tests/configs/local.yaml
    for svc, objects in ((dev_svc, gke), (local_svc, local)):
        assert svc["spec"]["ports"][0]["targetPort"] == "http"
        pod_labels = _one(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
        assert svc["spec"]["selector"].items() <= pod_labels.items()


def test_ingress_on_the_static_ip_with_certificate_redirect_and_iap(
    gke_settings: Settings, gke: Objects
) -> None:
    names = gke_settings.names
    ingress = _one(gke, "Ingress")
    ann = ingress["metadata"]["annotations"]
    cert, frontend, backend = (
        _one(gke, k) for k in ("ManagedCertificate", "FrontendConfig", "BackendConfig")
    )
    assert ann["kubernetes.io/ingress.class"] == "gce"
    assert ann["kubernetes.io/ingress.global-static-ip-name"] == names.static_ip
    assert ann["networking.gke.io/managed-certificates"] == cert["metadata"]["name"]
    assert ann["networking.gke.io/v1beta1.FrontendConfig"] == frontend["metadata"]["name"]
    assert cert["spec"]["domains"] == [gke_settings.ingress.host]
    (rule,) = ingress["spec"]["rules"]
    assert rule["host"] == gke_settings.ingress.host
    svc = _one(gke, "Service")
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == svc["metadata"]["name"]
    assert frontend["spec"] == {"redirectToHttps": {"enabled": True}, "sslPolicy": names.ssl_policy}
    svc_ann = svc["metadata"]["annotations"]
    assert json.loads(svc_ann["cloud.google.com/neg"]) == {"ingress": True}
    assert json.loads(svc_ann["cloud.google.com/backend-config"]) == {
        "default": backend["metadata"]["name"]
    }
    spec = backend["spec"]
    assert spec["healthCheck"]["requestPath"] == "/health"
    assert spec["healthCheck"]["port"] == gke_settings.server.port
    assert spec["timeoutSec"] == gke_settings.server.backend_timeout_seconds > 30
    assert spec["iap"] == {"enabled": True}  # no oauthclientCredentials: Google-managed client
    assert spec["logging"]["enable"] is True


def test_local_has_no_ingress_or_gke_resources(local: Objects) -> None:
    kinds = {o["kind"] for o in _all(local)}
    assert not kinds & {
        "Ingress",
        "BackendConfig",
        "FrontendConfig",
        "ManagedCertificate",
        "SecretProviderClass",
        "PodMonitoring",
    }


def test_metrics_are_scraped_by_managed_prometheus(gke: Objects) -> None:
    monitoring = _one(gke, "PodMonitoring")
    deployment = _one(gke, "Deployment")
    assert monitoring["spec"]["selector"] == deployment["spec"]["selector"]
    assert monitoring["spec"]["endpoints"] == [
        {"port": "http", "path": "/metrics", "interval": "30s"}
    ]


# --- 7. NetworkPolicy ---------------------------------------------------------------------------


def _server_policy(objects: Objects) -> dict[str, Any]:
    """The policy of the server's pods (the gc pods have their own: tests/k8s/test_gc.py)."""
    labels = _one(objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
    (found,) = [
        o
        for o in _all(objects)
        if o["kind"] == "NetworkPolicy"
        and all(labels.get(k) == v for k, v in o["spec"]["podSelector"]["matchLabels"].items())
    ]
    return found


def test_network_policy(gke_settings: Settings, gke: Objects) -> None:
    policy = _server_policy(gke)["spec"]
    deployment = _one(gke, "Deployment")
    assert policy["podSelector"] == deployment["spec"]["selector"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    port = gke_settings.server.port
    for rule in policy["ingress"]:
        assert rule["ports"] == [{"port": port, "protocol": "TCP"}]
    cidrs = {p["ipBlock"]["cidr"] for r in policy["ingress"] for p in r["from"] if "ipBlock" in p}
    assert cidrs == {"130.211.0.0/22", "35.191.0.0/16"}
    (ns_rule,) = [p for r in policy["ingress"] for p in r["from"] if "namespaceSelector" in p]
    (expr,) = ns_rule["namespaceSelector"]["matchExpressions"]
    assert expr["key"] == "kubernetes.io/metadata.name"
    assert set(expr["values"]) == {*gke_settings.server.allowed_namespaces, "gmp-system"}

    def egress(cidr: str) -> list[dict[str, Any]]:
        return [r["ports"] for r in policy["egress"] if r["to"] == [{"ipBlock": {"cidr": cidr}}]]

    assert egress("169.254.169.254/32") == [[{"port": 80, "protocol": "TCP"}]]
    assert egress("169.254.169.252/32") == [[{"port": 988, "protocol": "TCP"}]]
    assert egress(gke_settings.network.private_services_cidr) == [
        [{"port": 3307, "protocol": "TCP"}]
    ]
    assert egress(PRIVATE_GOOGLE_APIS_CIDR) == [[{"port": 443, "protocol": "TCP"}]]
    (dns,) = [r for r in policy["egress"] if "podSelector" in r["to"][0]]
    assert dns["to"][0]["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}
    assert sorted(p["protocol"] for p in dns["ports"]) == ["TCP", "UDP"]
    assert len(policy["egress"]) == 5  # nothing else leaves the pod


def test_allowed_namespaces_reach_the_policy(k8s_synth: Synth, gke_settings: Settings) -> None:
    server = gke_settings.server.model_copy(update={"allowed_namespaces": ("notebooks",)})
    objects = k8s_synth(gke_settings.model_copy(update={"server": server}))
    policy = _server_policy(objects)["spec"]
    values = [
        p["namespaceSelector"]["matchExpressions"][0]["values"]
        for r in policy["ingress"]
        for p in r["from"]
        if "namespaceSelector" in p
    ]
    assert values == [["gmp-system", "notebooks"]]


def test_config_change_rolls_the_pods(
    k8s_synth: Synth, gke_settings: Settings, gke: Objects
) -> None:
    def checksum(objects: Objects) -> str:
        meta = _one(objects, "Deployment")["spec"]["template"]["metadata"]
        return str(meta["annotations"]["checksum/config"])

    ingress = gke_settings.ingress.model_copy(update={"host": "tracking.example.org"})
    changed = k8s_synth(gke_settings.model_copy(update={"ingress": ingress}))
    assert _config(changed) != _config(gke)
    assert checksum(changed) != checksum(gke)
    assert len(checksum(gke)) == 64


def test_proxy_defaults_are_the_secure_ones() -> None:
    from k8s.proxy import proxy_args, proxy_container

    args = proxy_args(connection_name="p:r:i")
    assert "--private-ip" in args
    assert not [a for a in args if a.startswith("--credentials-file")]
    with pytest.raises(ValueError, match=r"credentials_file '/etc/key\.json' must be inside"):
        proxy_container(connection_name="p:r:i", image="i:1", credentials_file="/etc/key.json")
