"""Who a request is from: the one decision every request passes through.

The pod's NetworkPolicy admits three kinds of peers (k8s/policy.py): Google's load balancer
(130.211.0.0/22, 35.191.0.0/16), pods of the allowed namespaces and of Managed Prometheus (the
pod range), and the pod itself (kubectl port-forward connects to the pod's own loopback).

1. A request with `x-goog-iap-jwt-assertion` is the user the verified assertion names, from
   any peer; an assertion that does not verify is refused (403), whoever sent it.
2. Without one:
   * the health check path (the BackendConfig's; Google's health checkers send no assertion)
     passes with no identity, as MLflow serves it without authentication anyway;
   * from 127.0.0.1 or ::1 exactly (port-forward): the configured port-forward user, a
     break-glass identity. Everyone the cluster's RBAC lets port-forward (pods/portforward)
     shares it, so it is capped at auth.port_forward_permission (READ by default;
     privilege.py) and the middleware logs each of its requests with the peer;
   * from the pod range (in-cluster callers): `GET /metrics` only, as the configured
     in-cluster user (Managed Prometheus scrapes it; it needs nothing else). Any other request
     is refused (403) with a reason pointing at the ingress and the client plugin: a workload
     in the cluster is a person or a service account with its own Google identity, and goes
     through IAP like everyone else. Without an in-cluster user, /metrics is refused too;
   * from anywhere else, the load balancer included: refused (403). IAP always adds the
     assertion, so a request without it came around IAP (IAP off, a firewall mistake).

A person's own credential over port-forward is not accepted. The client plugin
(examples/iap_client) sends a Google-issued ID token for IAP's OAuth client, not an IAP
assertion; honouring it here would make the server a second IAP without IAP's checks (its
access levels, the ingress's members list, context-aware access, its audit log), reachable by
anyone who can port-forward. Port-forward already needs the cluster's RBAC, so it stays what
it is, break-glass with a capped shared identity; people use the ingress, where IAP names them.

No header a client sends can choose an identity: the identity travels to MLflow's authorization
function in PRINCIPAL_HEADER, which the middleware removes from every incoming request first.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from dataclasses import dataclass

from mlflow_entrypoint.contract import METRICS_PATH

from mlflow_iap_auth.assertion import Refused, Verifier
from mlflow_iap_auth.config import PORT_FORWARD_PEERS, IapConfig

ASSERTION_HEADER = "x-goog-iap-jwt-assertion"
PRINCIPAL_HEADER = "x-mlflow-iap-principal"
PORT_FORWARD = "port-forward"
IN_CLUSTER = "in-cluster"
# What an in-cluster caller without an assertion may do: read the metrics.
IN_CLUSTER_REQUESTS = frozenset({("GET", METRICS_PATH)})
IN_CLUSTER_REFUSAL = (
    f"{ASSERTION_HEADER} missing: in-cluster callers without IAP may only GET {METRICS_PATH}; "
    "call the server through its ingress with your own Google identity (the client plugin, "
    "examples/iap_client)"
)


@dataclass(frozen=True)
class Decision:
    principal: str | None  # None: no identity (the health check path)
    via: str  # "iap", "port-forward", "in-cluster", "health"


# The decision of the request being served, set by the middleware before MLflow sees the
# request (ASGI tasks and anyio's worker threads run in a copy of this context, so Flask's
# handlers see it too). privilege.py reads it where MLflow asks for no username.
current: ContextVar[Decision | None] = ContextVar("mlflow_iap_caller", default=None)


def decide(
    config: IapConfig,
    verifier: Verifier,
    *,
    method: str,
    path: str,
    peer: str | None,
    assertion: str | None,
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
        return Decision(config.port_forward_user, PORT_FORWARD)
    if any(address in net for net in config.in_cluster_networks):
        if (method, path) not in IN_CLUSTER_REQUESTS:
            raise Refused(IN_CLUSTER_REFUSAL)
        if config.in_cluster_user is None:
            raise Refused(f"{ASSERTION_HEADER} missing; in-cluster callers are not admitted")
        return Decision(config.in_cluster_user, IN_CLUSTER)
    raise Refused(
        f"{ASSERTION_HEADER} missing: the request did not come through IAP, port-forward or "
        "the cluster"
    )
