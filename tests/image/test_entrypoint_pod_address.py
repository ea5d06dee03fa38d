"""`mlflow-entrypoint server` adds the pod's own address to the allowed Host headers: the one
host the manifests cannot name exactly (Managed Prometheus scrapes by pod IP)."""

from __future__ import annotations

from pathlib import Path

import pytest
from mlflow.server.security_utils import is_allowed_host_header
from mlflow_entrypoint.errors import ConfigError
from mlflow_entrypoint.pod_address import pod_hosts, with_pod_address

from tests.image.entrypoint_env import pod_env, run_entrypoint

BASE = {"MLFLOW_SERVER_ALLOWED_HOSTS": "mlflow,mlflow:5000,localhost:5000", "MLFLOW_PORT": "5000"}


@pytest.mark.parametrize(
    ("address", "hosts"),
    [
        ("10.16.3.7", ["10.16.3.7", "10.16.3.7:5000"]),
        ("fd00:10:16::7", ["[fd00:10:16::7]", "[fd00:10:16::7]:5000"]),
        ("FD00:0010:0016:0000::7", ["[fd00:10:16::7]", "[fd00:10:16::7]:5000"]),
    ],
)
def test_the_pod_address_is_added_exactly(address: str, hosts: list[str]) -> None:
    env = with_pod_address({**BASE, "POD_IP": address})
    allowed = env["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")
    assert allowed == [*BASE["MLFLOW_SERVER_ALLOWED_HOSTS"].split(","), *hosts]
    assert not [h for h in allowed if "*" in h]
    for host in hosts:
        assert is_allowed_host_header(allowed, host)
    # A name an attacker's DNS can point anywhere is no longer admitted by any pattern.
    for name in ("10.16.rebind.attacker.example:5000", "10.16.3.7.attacker.example:5000"):
        assert not is_allowed_host_header(allowed, name)


def test_the_container_port_is_mlflows() -> None:
    env = with_pod_address({**BASE, "MLFLOW_PORT": "8080", "POD_IP": "10.0.0.9"})
    assert env["MLFLOW_SERVER_ALLOWED_HOSTS"].endswith(",10.0.0.9,10.0.0.9:8080")


@pytest.mark.parametrize(
    "env",
    [
        BASE,  # outside Kubernetes
        {**BASE, "POD_IP": ""},
        {"POD_IP": "10.0.0.9"},  # no allowlist: MLflow's defaults stay
    ],
)
def test_nothing_changes_without_an_address_or_an_allowlist(env: dict[str, str]) -> None:
    assert with_pod_address(env) == env


def test_an_address_already_listed_is_not_repeated() -> None:
    env = {**BASE, "MLFLOW_SERVER_ALLOWED_HOSTS": "127.0.0.1:5000", "POD_IP": "127.0.0.1"}
    assert with_pod_address(env)["MLFLOW_SERVER_ALLOWED_HOSTS"] == "127.0.0.1:5000,127.0.0.1"


@pytest.mark.parametrize("address", ["10.16.*", "pod.local", "10.16.3.7:5000", "[::1]"])
def test_a_bad_address_names_the_variable(address: str) -> None:
    with pytest.raises(ConfigError, match=r"POD_IP=.* is not an IP address"):
        pod_hosts(address, "5000")


def test_a_bad_port_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="MLFLOW_PORT='http' must be a port number"):
        with_pod_address({**BASE, "MLFLOW_PORT": "http", "POD_IP": "10.0.0.9"})


@pytest.mark.integration
def test_the_server_command_refuses_a_bad_pod_address(tmp_path: Path) -> None:
    env = pod_env(tmp_path, POD_IP="10.16.*", **BASE)
    proc = run_entrypoint(["server", "--help"], env)
    assert proc.returncode == 2
    assert "POD_IP='10.16.*' is not an IP address" in proc.stderr
    assert "Traceback" not in proc.stderr
