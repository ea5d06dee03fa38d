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
    IAP_DEFAULT_PERMISSION_ENV,
    IAP_IN_CLUSTER_CIDRS_ENV,
    IAP_IN_CLUSTER_USER_ENV,
    IAP_KEYS_URL_ENV,
    IAP_PORT_FORWARD_PERMISSION_ENV,
    IAP_PORT_FORWARD_USER_ENV,
    IAP_PROJECT_NUMBER_ENV,
    IAP_UNVERIFIED_PATHS_ENV,
)

# Google's published IAP key set: {kid: PEM public key}, ES256.
# https://cloud.google.com/iap/docs/signed-headers-howto#verifying_the_jwt_header
DEFAULT_KEYS_URL = "https://www.gstatic.com/iap/verify/public_key"
ISSUER = "https://cloud.google.com/iap"
PERMISSIONS = ("READ", "EDIT", "MANAGE", "NO_PERMISSIONS")
PORT_FORWARD_PERMISSIONS = ("READ", "EDIT", "MANAGE")  # the cap on break-glass access
_PROJECT_NUMBER = re.compile(r"[1-9][0-9]{5,19}")
_SERVICE_ID = re.compile(r"[1-9][0-9]{0,19}")


class ConfigError(Exception):
    """A missing or malformed variable; the message names it, its value and the rule."""


@dataclass(frozen=True)
class IapConfig:
    audience_prefix: str  # /projects/N/global/backendServices/
    audience: str | None  # the full audience, once the backend service id is configured
    keys_url: str
    admins: frozenset[str]
    default_permission: str
    port_forward_user: str
    in_cluster_user: str | None
    in_cluster_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
    unverified_paths: frozenset[str]  # the load balancer's health check path
    clock_skew_seconds: int = 30  # Google's guide allows 30 s either way
    auth_database_uri: str = ""
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
        for net in networks:
            if net.is_loopback:
                raise ConfigError(
                    f"{IAP_IN_CLUSTER_CIDRS_ENV}: {net} is loopback, which is port-forward's"
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
            port_forward_permission=cap,
        )
