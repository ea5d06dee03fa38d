"""mlflow_server/iap_auth: who a request is from, for the peers e2e cannot be (the pod range,
the load balancer's own ranges), and the settings' error messages."""

from __future__ import annotations

from typing import Any

import pytest
from mlflow_iap_auth.assertion import KeySet, Refused, Verifier
from mlflow_iap_auth.audience import Audience
from mlflow_iap_auth.callers import decide
from mlflow_iap_auth.config import ConfigError, IapConfig

from k8s.auth import auth_mode
from settings import CreatedGke, ExistingGke, Settings

ENV = {
    "IAP_PROJECT_NUMBER": "123456789012",
    "IAP_ADMINS": "root@example.com",
    "IAP_PORT_FORWARD_USER": "kubectl-port-forward",
    "IAP_IN_CLUSTER_USER": "in-cluster",
    "IAP_IN_CLUSTER_CIDRS": "10.16.0.0/14",
    "IAP_AUTH_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1/mlflow_auth",
    "IAP_PROJECT_ID": "example-project",
    "IAP_SERVICE": "mlflow/mlflow-server",
    "IAP_SERVICE_PORT": "http",
}


def _decide(
    config: IapConfig,
    peer: str,
    path: str = "/api/2.0/mlflow/experiments/search",
    method: str = "GET",
):
    def no_keys(url: str) -> Any:
        raise AssertionError("no key set fetch without an assertion")

    verifier = Verifier(config, KeySet(config.keys_url, fetch=no_keys), Audience("/p/"))
    return decide(config, verifier, method=method, path=path, peer=peer, assertion=None)


@pytest.mark.parametrize("env", ["e2e", "gke", "shared"])
def test_the_configmap_is_what_the_plugin_reads(env: str, request: pytest.FixtureRequest) -> None:
    settings: Settings = request.getfixturevalue(f"{env}_settings")
    if not settings.auth.enabled:
        auth = settings.auth.model_copy(
            update={"enabled": True, "admins": ("a@example.com",), "project_number": "13579246"}
        )
        settings = settings.model_copy(update={"auth": auth})
    data = auth_mode(settings).config()
    config = IapConfig.from_env({**data, "IAP_AUTH_DATABASE_URI": "postgresql://x/y"})
    prefix = f"/projects/{settings.iap_project_number}/global/backendServices/"
    assert config.audience_prefix == prefix
    service_id = settings.auth.backend_service_id
    assert config.audience == (prefix + service_id if service_id else None)
    names = settings.names
    if service_id is None:
        # The lookup names the Service the Ingress routes to, by the port name it uses.
        assert config.lookup is not None
        assert config.lookup.project == settings.target.project
        assert config.lookup.service == f"{names.namespace}/{names.service}"
        assert config.lookup.port == "http"
    else:
        assert config.lookup is None
    assert config.admins == frozenset(settings.auth.admins)
    target = settings.target
    assert isinstance(target, CreatedGke | ExistingGke)
    assert [str(n) for n in config.in_cluster_networks] == [target.pods_cidr]
    assert config.unverified_paths == {"/health"}


@pytest.mark.parametrize(("peer", "via"), [("127.0.0.1", "port-forward"), ("::1", "port-forward")])
def test_port_forward_callers(peer: str, via: str) -> None:
    decision = _decide(IapConfig.from_env(ENV), peer, method="DELETE")
    assert (decision.principal, decision.via) == ("kubectl-port-forward", via)


@pytest.mark.parametrize("peer", ["10.16.3.7", "10.19.255.254"])
def test_in_cluster_callers_read_the_metrics(peer: str) -> None:
    decision = _decide(IapConfig.from_env(ENV), peer, "/metrics")
    assert (decision.principal, decision.via) == ("in-cluster", "in-cluster")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/2.0/mlflow/experiments/search"),
        ("POST", "/api/2.0/mlflow/runs/create"),
        ("GET", "/ajax-api/2.0/mlflow/experiments/search"),
        ("GET", "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/x"),
        ("GET", "/graphql"),
        ("GET", "/"),
        ("POST", "/metrics"),
        ("HEAD", "/metrics"),
        ("GET", "/metrics/"),
        ("GET", "/metrics/../api/2.0/mlflow/experiments/search"),
        ("GET", "/Metrics"),
    ],
)
def test_in_cluster_callers_reach_nothing_else(method: str, path: str) -> None:
    with pytest.raises(Refused) as refused:
        _decide(IapConfig.from_env(ENV), "10.16.3.7", path, method)
    reason = str(refused.value)
    assert "may only GET /metrics" in reason
    assert "ingress" in reason
    assert "examples/iap_client" in reason


@pytest.mark.parametrize(
    "peer",
    ["130.211.0.9", "35.191.4.4", "127.0.0.2", "10.20.0.5", "192.168.1.1", "", "not-an-ip"],
)
def test_everyone_else_needs_an_assertion(peer: str) -> None:
    with pytest.raises(Refused, match="x-goog-iap-jwt-assertion missing"):
        _decide(IapConfig.from_env(ENV), peer)


def test_health_path_only() -> None:
    peer = "35.191.4.4"  # a Google health checker
    config = IapConfig.from_env(ENV)
    assert _decide(config, peer, "/health").principal is None
    with pytest.raises(Refused):
        _decide(config, peer, "/health/../api/2.0/mlflow/experiments/search")


def test_other_loopback_addresses_may_stand_for_the_pod_range() -> None:
    """The e2e harness binds 127.16.0.7 as a pod (tests/e2e/peers.py); 127.0.0.1 stays
    port-forward's."""
    config = IapConfig.from_env({**ENV, "IAP_IN_CLUSTER_CIDRS": "127.16.0.0/14"})
    assert _decide(config, "127.16.0.7", "/metrics").via == "in-cluster"
    assert _decide(config, "127.0.0.1").via == "port-forward"


def test_in_cluster_callers_can_be_refused() -> None:
    config = IapConfig.from_env({k: v for k, v in ENV.items() if k != "IAP_IN_CLUSTER_USER"})
    with pytest.raises(Refused, match="in-cluster callers are not admitted"):
        _decide(config, "10.16.3.7", "/metrics")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("IAP_PROJECT_NUMBER", "my-project", "IAP_PROJECT_NUMBER='my-project' must be"),
        ("IAP_BACKEND_SERVICE_ID", "abc", "IAP_BACKEND_SERVICE_ID='abc' must be a numeric id"),
        ("IAP_DEFAULT_PERMISSION", "ALL", "IAP_DEFAULT_PERMISSION='ALL' must be one of"),
        ("IAP_IN_CLUSTER_CIDRS", "127.0.0.0/8", "127.0.0.0/8 contains 127.0.0.1, port-forward's"),
        ("IAP_IN_CLUSTER_CIDRS", "10.0.0.0/8,::1/128", "::1/128 contains ::1, port-forward's"),
        ("IAP_KEYS_URL", "http://keys.example", "must be https://"),
        ("IAP_ADMINS", "", "IAP_ADMINS is not set"),
        ("IAP_PORT_FORWARD_PERMISSION", "ALL", "IAP_PORT_FORWARD_PERMISSION='ALL' must be one"),
        ("IAP_PORT_FORWARD_PERMISSION", "NO_PERMISSIONS", "must be one of READ, EDIT, MANAGE"),
        ("IAP_ADMINS", "kubectl-port-forward", "is never an MLflow admin"),
    ],
)
def test_bad_settings_name_the_variable(name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        IapConfig.from_env({**ENV, name: value})
