"""The server's pod: the proxy sidecar, the migration, the server; probes, resources, security
contexts. One test per invariant, on the synthesized charts."""

from __future__ import annotations

import ipaddress
import json

import pytest

from settings import Settings
from tests.support import charts
from tests.support.charts import Objects


def test_proxy_is_a_native_sidecar_ordered_before_the_migration(
    env: tuple[Settings, Objects],
) -> None:
    settings, objects = env
    pod = charts.pod_spec(objects)
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
    proxy = charts.containers(charts.pod_spec(objects))["cloud-sql-proxy"]
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
    assert ("--private-ip" in args) is settings.target.is_gke
    assert any(a.startswith("--credentials-file=") for a in args) is (not settings.target.is_gke)
    assert proxy["startupProbe"]["httpGet"] == {"path": "/startup", "port": 9801}
    assert proxy["livenessProbe"]["httpGet"] == {"path": "/liveness", "port": 9801}
    delay = next(int(a.split("=")[1].rstrip("s")) for a in args if "--max-sigterm-delay" in a)
    assert delay < charts.pod_spec(objects)["terminationGracePeriodSeconds"]


def test_proxy_defaults_are_the_secure_ones() -> None:
    from k8s.proxy import proxy_args, proxy_container

    args = proxy_args(connection_name="p:r:i")
    assert "--private-ip" in args
    assert not [a for a in args if a.startswith("--credentials-file")]
    with pytest.raises(ValueError, match=r"credentials_file '/etc/key\.json' must be inside"):
        proxy_container(connection_name="p:r:i", image="i:1", credentials_file="/etc/key.json")


def test_migration_and_server_follow_the_image_contract(env: tuple[Settings, Objects]) -> None:
    settings, objects = env
    containers = charts.containers(charts.pod_spec(objects))
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
    data = charts.config(objects)
    options = {k for k in data if k.startswith("MLFLOW_")}
    assert options <= envvars, options - envvars
    assert data["MLFLOW_EXPOSE_PROMETHEUS"].startswith("/tmp/")


def test_allowed_hosts_cover_every_service_name(env: tuple[Settings, Objects]) -> None:
    """Checked with MLflow's own matcher: a miss is a 403 to every client using that name."""
    from mlflow.server.security_utils import is_allowed_host_header

    settings, objects = env
    hosts = charts.config(objects)["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    svc = charts.one(objects, "Service")
    svc_name, ns = svc["metadata"]["name"], svc["metadata"]["namespace"]
    port = svc["spec"]["ports"][0]["port"]
    expected = [
        f"{svc_name}:{port}",
        f"{svc_name}.{ns}:{port}",
        f"{svc_name}.{ns}.svc.cluster.local:{port}",
        f"{svc_name}.{ns}.svc.cluster.local",
        # `make port-forward` listens on the Service's port.
        f"localhost:{port}",
        f"127.0.0.1:{port}",
        f"[::1]:{port}",
    ]
    if settings.target.is_gke:
        expected += [settings.ingress.host]
    for host in expected:
        assert is_allowed_host_header(hosts, host), host
    for host in ("evil.example.net", "mlflow.example.com.evil.net", "192.168.1.1"):
        assert not is_allowed_host_header(hosts, host), host


def test_the_server_gets_its_pod_address_for_the_metrics_scrape(
    env: tuple[Settings, Objects],
) -> None:
    """Managed Prometheus scrapes by pod IP: the entry point adds that one address (k8s/server.py
    passes it by the downward API), so the ConfigMap needs no pattern for the pod range."""
    from mlflow.server.security_utils import is_allowed_host_header
    from mlflow_entrypoint.pod_address import with_pod_address

    settings, objects = env
    server = charts.containers(charts.pod_spec(objects))["mlflow"]
    (pod_ip,) = [e for e in server["env"] if e["name"] == "POD_IP"]
    assert pod_ip["valueFrom"] == {"fieldRef": {"fieldPath": "status.podIP"}}
    data = charts.config(objects)
    address = str(next(ipaddress.ip_network(settings.network.pods_cidr).hosts()))
    started = with_pod_address({**data, "POD_IP": address})
    hosts = started["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    assert is_allowed_host_header(hosts, f"{address}:{settings.server.port}")
    other = str(ipaddress.ip_address(address) + 1)  # another pod: not this server's name
    assert not is_allowed_host_header(hosts, f"{other}:{settings.server.port}")


# --- Probes, resources, securityContext, images --------------------------------------------------


def test_probes_on_every_long_running_container(env: tuple[Settings, Objects]) -> None:
    _, objects = env
    pod = charts.pod_spec(objects)
    server = charts.containers(pod)["mlflow"]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert server[probe]["httpGet"] == {"path": "/health", "port": "http"}, probe
    proxy = charts.containers(pod)["cloud-sql-proxy"]
    assert {"startupProbe", "livenessProbe"} <= set(proxy)
    # A run-to-completion init container may not have probes (API validation).
    assert not {"startupProbe", "readinessProbe", "livenessProbe"} & set(
        charts.containers(pod)["db-migrate"]
    )


def test_security_context_on_pod_and_every_container(env: tuple[Settings, Objects]) -> None:
    _, objects = env
    pod = charts.pod_spec(objects)
    assert pod["automountServiceAccountToken"] is False
    ctx = pod["securityContext"]
    assert ctx["runAsNonRoot"] is True
    assert ctx["seccompProfile"] == {"type": "RuntimeDefault"}
    assert isinstance(ctx["fsGroup"], int)
    for name, c in charts.containers(pod).items():
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
        assert {"mountPath": "/tmp", "name": "tmp"} in charts.containers(pod)[name]["volumeMounts"]
