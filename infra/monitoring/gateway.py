"""The Gateway edge's load balancer, predicted by name for the load balancer's metrics.

GKE's Gateway controller names what it builds `gkegw1-<4-character hash>-<namespace>-<name>-
<12-character hash>`, 63 characters at most: the forwarding rules after the Gateway, the
backend services, health checks and NEGs after the Service and its port number (names seen in
`gcloud compute backend-services list` on GKE, e.g. in the troubleshooting of
https://cloud.google.com/kubernetes-engine/docs/troubleshooting/gateway; the controller is not
open source, so the shortening of long names is not documented: when namespace and name do not
fit, each may be cut to a prefix, and the pattern accepts any prefix).
"""

from __future__ import annotations

GATEWAY_PREFIX = "gkegw1"
# 63 - len("gkegw1-xxxx-") - len("-") - len("-<12>"): what namespace and name share.
GATEWAY_NAME_BUDGET = 63 - 12 - 1 - 13


def _prefix_of(text: str) -> str:
    """RE2: any non-empty prefix of `text` (a DNS label: nothing to escape)."""
    pattern = ""
    for c in reversed(text[1:]):
        pattern = f"(?:{c}{pattern})?"
    return text[0] + pattern


def gateway_forwarding_rule_regex(namespace: str, gateway: str) -> str:
    """An RE2 pattern for the forwarding rules GKE's Gateway controller creates for
    namespace/gateway (HTTPS and HTTP listeners alike)."""
    if len(namespace) + len(gateway) <= GATEWAY_NAME_BUDGET:
        ns, name = namespace, gateway
    else:
        ns, name = _prefix_of(namespace), _prefix_of(gateway)
    return f"{GATEWAY_PREFIX}-[a-z0-9]{{4}}-{ns}-{name}-[a-z0-9]{{12}}"
