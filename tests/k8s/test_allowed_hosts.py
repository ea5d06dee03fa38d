"""The server's Host allowlist and uvicorn's options, on the synthesized ConfigMap: exact names
only (no name an attacker's DNS controls can match), and the caller taken from the socket.

Checked with MLflow's own matcher (`is_allowed_host_header`), which its DNS-rebinding guard
calls on every request but /health and /version.
"""

from __future__ import annotations

import ipaddress
import shlex

from mlflow.server.security_utils import is_allowed_host_header

from settings import Settings
from tests.support import charts
from tests.support.charts import Objects

# Names a web page's attacker can point at 127.0.0.1 (DNS rebinding), shaped to match every
# pattern the allowlist ever had (`10.16.*`, `localhost:*`, `127.0.0.1:*`).
REBINDING = (
    "10.16.rebind.attacker.example:5000",
    "10.16.rebind.attacker.example",
    "10.rebind.attacker.example:8080",
    "rebind.attacker.example:5000",
    "localhost.attacker.example:5000",
    "127.0.0.1.attacker.example:5000",
    "mlflow.attacker.example",
)


def _hosts(objects: Objects) -> list[str]:
    return charts.config(objects)["MLFLOW_SERVER_ALLOWED_HOSTS"].split(",")


def _port_forward_port(settings: Settings) -> int:
    """The local port `make port-forward` listens on (ops/makevars.py's SERVICE_PORT)."""
    return settings.local.service_port if settings.local else settings.server.port


def test_no_entry_is_a_pattern(env: tuple[Settings, Objects]) -> None:
    """MLflow matches an entry with `*` by fnmatch; without one, by equality."""
    _, objects = env
    hosts = _hosts(objects)
    assert hosts
    assert [h for h in hosts if "*" in h] == []
    assert len(hosts) == len(set(hosts))
    for host in hosts:
        assert host == host.strip().lower(), host
        assert "/" not in host, host


def test_no_rebinding_name_is_admitted(env: tuple[Settings, Objects]) -> None:
    _, objects = env
    hosts = _hosts(objects)
    for name in REBINDING:
        assert not is_allowed_host_header(hosts, name), name


def test_loopback_forms_name_the_port_forward_port_only(env: tuple[Settings, Objects]) -> None:
    settings, objects = env
    hosts = _hosts(objects)
    port = _port_forward_port(settings)
    loopback = [h for h in hosts if h.startswith(("localhost", "127.0.0.1", "[::1]"))]
    assert sorted(loopback) == sorted([f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"])
    for other in (port + 1, 80, 8888):
        for name in ("localhost", "127.0.0.1", "[::1]"):
            assert not is_allowed_host_header(hosts, f"{name}:{other}")


def test_no_address_of_the_pod_range_is_in_the_configmap(env: tuple[Settings, Objects]) -> None:
    """The pod's own address is added at start (POD_IP); no other pod's address is a host."""
    settings, objects = env
    hosts = _hosts(objects)
    for host in hosts:
        name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0][1:]
        try:
            address = ipaddress.ip_address(name)
        except ValueError:
            continue
        assert address.is_loopback, host
    pods = ipaddress.ip_network(settings.network.pods_cidr)
    for address in (pods.network_address + 5, pods.broadcast_address - 1):
        assert not is_allowed_host_header(hosts, f"{address}:{settings.server.port}")


def test_uvicorn_ignores_proxy_headers(env: tuple[Settings, Objects]) -> None:
    """uvicorn's default trusts X-Forwarded-For from 127.0.0.1 (port-forward's peer)."""
    _, objects = env
    opts = shlex.split(charts.config(objects)["MLFLOW_UVICORN_OPTS"])
    assert "--no-proxy-headers" in opts
    assert "--proxy-headers" not in opts
    assert not [o for o in opts if o.startswith("--forwarded-allow-ips")]


def test_uvicorn_accepts_the_options() -> None:
    """The installed uvicorn (the image's pin) knows the flag MLflow passes through."""
    from click.testing import CliRunner
    from uvicorn.main import main

    result = CliRunner().invoke(main, ["--no-proxy-headers", "--help"])
    assert result.exit_code == 0, result.output
    assert "--proxy-headers / --no-proxy-headers" in result.output
