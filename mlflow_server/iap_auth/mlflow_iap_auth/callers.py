"""Who a request is from: the one decision every request passes through.

The pod's NetworkPolicy admits three kinds of peers (k8s/policy.py): Google's load balancer
(130.211.0.0/22, 35.191.0.0/16), pods of the allowed namespaces and of Managed Prometheus (the
pod range), and the pod itself (kubectl port-forward connects to the pod's own loopback).

1. A request with `x-goog-iap-jwt-assertion` is the user the verified assertion names, from
   any peer; an assertion that does not verify is refused (403), whoever sent it.
2. Without one:
   * the health check path (the BackendConfig's; Google's health checkers send no assertion)
     passes with no identity, as MLflow serves it without authentication anyway;
   * from 127.0.0.1 or ::1 exactly (port-forward): the configured port-forward user;
   * from the pod range (in-cluster callers): the configured in-cluster user, or refused when
     none is configured;
   * from anywhere else, the load balancer included: refused (403). IAP always adds the
     assertion, so a request without it came around IAP (IAP off, a firewall mistake).

No header a client sends can choose an identity: the identity travels to MLflow's authorization
function in PRINCIPAL_HEADER, which the middleware removes from every incoming request first.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from mlflow_iap_auth.assertion import Refused, Verifier
from mlflow_iap_auth.config import PORT_FORWARD_PEERS, IapConfig

ASSERTION_HEADER = "x-goog-iap-jwt-assertion"
PRINCIPAL_HEADER = "x-mlflow-iap-principal"


@dataclass(frozen=True)
class Decision:
    principal: str | None  # None: no identity (the health check path)
    via: str  # "iap", "port-forward", "in-cluster", "health"


def decide(
    config: IapConfig, verifier: Verifier, *, path: str, peer: str | None, assertion: str | None
) -> Decision:
    """The caller's MLflow identity, or Refused with the reason."""
    if assertion is not None:
        return Decision(verifier.verify(assertion).principal, "iap")
    if path in config.unverified_paths:
        return Decision(None, "health")
    try:
        address = ipaddress.ip_address(peer or "")
    except ValueError:
        raise Refused(f"{ASSERTION_HEADER} missing and the peer address is unknown") from None
    if address in PORT_FORWARD_PEERS:
        return Decision(config.port_forward_user, "port-forward")
    if any(address in net for net in config.in_cluster_networks):
        if config.in_cluster_user is None:
            raise Refused(f"{ASSERTION_HEADER} missing; in-cluster callers are not admitted")
        return Decision(config.in_cluster_user, "in-cluster")
    raise Refused(
        f"{ASSERTION_HEADER} missing: the request did not come through IAP, port-forward or "
        "the cluster"
    )
