"""The plugin's settings, from the pod's environment (the ConfigMap that k8s/auth.py writes).

The variables' names are the image's contract (mlflow_entrypoint.contract, which the deployment
writes them from). A bad value stops the server at start with the variable, the value and the
rule.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from mlflow_entrypoint.contract import (
    HEALTH_PATH,
    IAP_ADMINS_ENV,
    IAP_AUTH_DATABASE_URI_ENV,
    IAP_BACKEND_SERVICE_ID_ENV,
    IAP_COMPUTE_URL_ENV,
    IAP_DEFAULT_PERMISSION_ENV,
    IAP_IN_CLUSTER_CIDRS_ENV,
    IAP_IN_CLUSTER_USER_ENV,
    IAP_KEYS_URL_ENV,
    IAP_PORT_FORWARD_PERMISSION_ENV,
    IAP_PORT_FORWARD_USER_ENV,
    IAP_PROJECT_ID_ENV,
    IAP_PROJECT_NUMBER_ENV,
    IAP_SERVICE_ENV,
    IAP_SERVICE_PORT_ENV,
    IAP_SERVICE_PORT_NUMBER_ENV,
    IAP_UNVERIFIED_PATHS_ENV,
)

from mlflow_iap_auth.backend_services import DEFAULT_COMPUTE_URL, Target

# Google's published IAP key set: {kid: PEM public key}, ES256.
# https://cloud.google.com/iap/docs/signed-headers-howto#verifying_the_jwt_header
DEFAULT_KEYS_URL = "https://www.gstatic.com/iap/verify/public_key"
ISSUER = "https://cloud.google.com/iap"
PERMISSIONS = ("READ", "EDIT", "MANAGE", "NO_PERMISSIONS")
PORT_FORWARD_PERMISSIONS = ("READ", "EDIT", "MANAGE")  # the cap on break-glass access
_PROJECT_NUMBER = re.compile(r"[1-9][0-9]{5,19}")
_SERVICE_ID = re.compile(r"[1-9][0-9]{0,19}")
# https://cloud.google.com/resource-manager/docs/creating-managing-projects (a domain-scoped
# project is DOMAIN:ID); a Service is NAMESPACE/NAME (DNS labels); a port name an IANA_SVC_NAME.
_PROJECT_ID = re.compile(r"(?:[a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]")
_SERVICE = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?/[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_PORT_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?")
# The pod's token goes to the Compute API: Google's hosts only (or the tests' loopback).
_COMPUTE_URL = re.compile(r"(https://[a-z0-9.-]+\.googleapis\.com|http://127\.0\.0\.1:[0-9]+)/\S*")
PORT_FORWARD_PEERS = (ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1"))


class ConfigError(Exception):
    """A missing or malformed variable; the message names it, its value and the rule."""


@dataclass(frozen=True)
class IapConfig:
    audience_prefix: str  # /projects/N/global/backendServices/
    audience: str | None  # the full audience, when the backend service id is configured
    keys_url: str
    admins: frozenset[str]
    default_permission: str
    port_forward_user: str
    in_cluster_user: str | None
    in_cluster_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    unverified_paths: frozenset[str]  # the load balancer's health check path
    clock_skew_seconds: int = 30  # Google's guide allows 30 s either way
    auth_database_uri: str = ""
    # Without a configured id: whose backend service to look up (backend_services), and where.
    lookup: Target | None = None
    compute_url: str = DEFAULT_COMPUTE_URL
    port_forward_permission: str = "READ"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> IapConfig:
        env = os.environ if env is None else env

        def need(name: str) -> str:
            value = env.get(name, "")
            if not value:
                raise ConfigError(f"{name} is not set (the ConfigMap written by k8s/auth.py)")
            return value

        number = need(IAP_PROJECT_NUMBER_ENV)
        if not _PROJECT_NUMBER.fullmatch(number):
            raise ConfigError(f"{IAP_PROJECT_NUMBER_ENV}={number!r} must be 6 to 20 digits")
        prefix = f"/projects/{number}/global/backendServices/"
        service = env.get(IAP_BACKEND_SERVICE_ID_ENV) or None
        if service is not None and not _SERVICE_ID.fullmatch(service):
            raise ConfigError(f"{IAP_BACKEND_SERVICE_ID_ENV}={service!r} must be a numeric id")
        audience = None if service is None else prefix + service
        lookup = None if service is not None else _lookup_target(env)
        compute_url = env.get(IAP_COMPUTE_URL_ENV) or DEFAULT_COMPUTE_URL
        if not _COMPUTE_URL.fullmatch(compute_url):
            raise ConfigError(
                f"{IAP_COMPUTE_URL_ENV}={compute_url!r} must be https://*.googleapis.com/... "
                "(the pod's token goes there) or loopback"
            )
        permission = env.get(IAP_DEFAULT_PERMISSION_ENV, "READ")
        if permission not in PERMISSIONS:
            raise ConfigError(
                f"{IAP_DEFAULT_PERMISSION_ENV}={permission!r} must be one of "
                f"{', '.join(PERMISSIONS)}"
            )
        admins = frozenset(a.strip() for a in need(IAP_ADMINS_ENV).split(",") if a.strip())
        port_forward_user = need(IAP_PORT_FORWARD_USER_ENV)
        if port_forward_user in admins:
            raise ConfigError(
                f"{IAP_PORT_FORWARD_USER_ENV}={port_forward_user!r} is in {IAP_ADMINS_ENV}: the "
                "break-glass identity is never an MLflow admin"
            )
        cap = env.get(IAP_PORT_FORWARD_PERMISSION_ENV, "READ")
        if cap not in PORT_FORWARD_PERMISSIONS:
            raise ConfigError(
                f"{IAP_PORT_FORWARD_PERMISSION_ENV}={cap!r} must be one of "
                f"{', '.join(PORT_FORWARD_PERMISSIONS)}"
            )
        networks = []
        for cidr in filter(
            None, (c.strip() for c in env.get(IAP_IN_CLUSTER_CIDRS_ENV, "").split(","))
        ):
            try:
                networks.append(ipaddress.ip_network(cidr))
            except ValueError:
                raise ConfigError(f"{IAP_IN_CLUSTER_CIDRS_ENV}: {cidr!r} is not a CIDR") from None
        # Port-forward's peers (127.0.0.1, ::1: kubectl connects to the pod's own loopback) must
        # not also be in-cluster callers. Other loopback addresses never reach a pod from
        # outside it, so a range of them is no risk, and the e2e harness binds one to stand for
        # the pod range (tests/e2e/peers.py).
        for net in networks:
            for peer in PORT_FORWARD_PEERS:
                if net.version == peer.version and peer in net:
                    raise ConfigError(
                        f"{IAP_IN_CLUSTER_CIDRS_ENV}: {net} contains {peer}, port-forward's peer"
                    )
        keys_url = env.get(IAP_KEYS_URL_ENV) or DEFAULT_KEYS_URL
        if not keys_url.startswith(("https://", "http://127.0.0.1:")):
            raise ConfigError(f"{IAP_KEYS_URL_ENV}={keys_url!r} must be https:// (or loopback)")
        unverified = env.get(IAP_UNVERIFIED_PATHS_ENV, HEALTH_PATH)
        paths = frozenset(p for p in unverified.split(",") if p)
        return cls(
            audience_prefix=prefix,
            audience=audience,
            keys_url=keys_url,
            admins=admins,
            default_permission=permission,
            port_forward_user=port_forward_user,
            in_cluster_user=env.get(IAP_IN_CLUSTER_USER_ENV) or None,
            in_cluster_networks=tuple(networks),
            unverified_paths=paths,
            auth_database_uri=need(IAP_AUTH_DATABASE_URI_ENV),
            lookup=lookup,
            compute_url=compute_url.rstrip("/"),
            port_forward_permission=cap,
        )


def _lookup_target(env: Mapping[str, str]) -> Target:
    """What names the backend service to look up, when no id is configured."""
    values = {}
    for name, rule, what in (
        (IAP_PROJECT_ID_ENV, _PROJECT_ID, "the cluster's project id"),
        (IAP_SERVICE_ENV, _SERVICE, "NAMESPACE/NAME of the Service"),
        (IAP_SERVICE_PORT_ENV, _PORT_NAME, "the Service port's name"),
    ):
        value = env.get(name, "")
        if not value:
            raise ConfigError(
                f"{name} is not set: without {IAP_BACKEND_SERVICE_ID_ENV} the backend service "
                "is looked up, which needs it (the ConfigMap written by k8s/auth.py)"
            )
        if not rule.fullmatch(value):
            raise ConfigError(f"{name}={value!r} must be {what} ({rule.pattern})")
        values[name] = value
    number = env.get(IAP_SERVICE_PORT_NUMBER_ENV) or None
    if number is not None and not _PORT_NUMBER.fullmatch(number):
        raise ConfigError(
            f"{IAP_SERVICE_PORT_NUMBER_ENV}={number!r} must be the Service port's number (1-65535)"
        )
    return Target(
        project=values[IAP_PROJECT_ID_ENV],
        service=values[IAP_SERVICE_ENV],
        port=values[IAP_SERVICE_PORT_ENV],
        port_number=number,
    )


_PORT_NUMBER = re.compile(
    r"[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]"
)
