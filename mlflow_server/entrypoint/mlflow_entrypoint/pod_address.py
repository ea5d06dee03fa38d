"""The pod's own address as an allowed Host header: known at start only, never in a manifest.

Managed Prometheus scrapes http://<pod IP>:<port>/metrics, so the scrape's Host header is the
pod's address, which MLflow's DNS-rebinding guard must admit. The manifests name every other
host exactly (k8s/config.py) and could admit the pod range only by a pattern, which also
matches names an attacker controls (`10.16.*` matches `10.16.rebind.attacker.example`). The
server container gets its address from the downward API (POD_IP = status.podIP,
k8s/server.py); this adds `ip` and `ip:port` to MLFLOW_SERVER_ALLOWED_HOSTS for the server
process, IPv6 in brackets as a Host header spells it (RFC 3986 section 3.2.2).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from mlflow_entrypoint.contract import (
    MLFLOW_PORT_ENV,
    MLFLOW_SERVER_ALLOWED_HOSTS_ENV,
    POD_IP_ENV,
)
from mlflow_entrypoint.errors import ConfigError

# `mlflow server`'s default port, when MLFLOW_PORT is unset.
DEFAULT_PORT = "5000"


def pod_hosts(address: str, port: str) -> list[str]:
    """The Host header spellings of http://<address>:<port>/ (with and without the port)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise ConfigError(
            f"{POD_IP_ENV}={address!r} is not an IP address (the downward API's status.podIP)"
        ) from None
    host = f"[{ip}]" if ip.version == 6 else str(ip)
    return [host, f"{host}:{port}"]


def with_pod_address(env: Mapping[str, str]) -> dict[str, str]:
    """`env` with the pod's address appended to MLFLOW_SERVER_ALLOWED_HOSTS.

    Nothing changes when POD_IP is unset (outside Kubernetes), or when the allowlist is unset:
    adding to an unset list would replace MLflow's defaults by one address.
    """
    out = dict(env)
    address = env.get(POD_IP_ENV, "").strip()
    hosts = env.get(MLFLOW_SERVER_ALLOWED_HOSTS_ENV, "")
    if not address or not hosts:
        return out
    port = env.get(MLFLOW_PORT_ENV) or DEFAULT_PORT
    if not port.isdigit():
        raise ConfigError(f"{MLFLOW_PORT_ENV}={port!r} must be a port number")
    present = [h.strip() for h in hosts.split(",")]
    added = [h for h in pod_hosts(address, port) if h not in present]
    out[MLFLOW_SERVER_ALLOWED_HOSTS_ENV] = ",".join([*present, *added])
    return out
