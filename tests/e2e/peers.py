"""The peers a request to the pod can come from, as loopback addresses this machine can bind.

The pod's NetworkPolicy admits Google's load balancer, the pod range and the pod itself
(k8s/policy.py); the node's kubelet reaches it too. Here every peer is a loopback address, so
any machine runs the e2e tests without root or network set-up:

* LOOPBACK 127.0.0.1: the pod's own loopback, where kubectl port-forward connects.
* LB_ADDRESS 127.0.0.2: Google's front ends (the ingress stand-in's nginx connects from it).
* POD_PEER 127.16.0.7, in POD_RANGE 127.16.0.0/14: another pod. The harness appends POD_RANGE
  to the server's IAP_IN_CLUSTER_CIDRS (the manifests' 10.16.0.0/14 stays), so the server
  classifies it exactly as it classifies the real pod range; nothing else of the manifests
  changes. 127.16.0.0/14 mirrors the e2e fixture's network.pods_cidr 10.16.0.0/14.
* NODE 127.0.0.3: the node (kubelet, a hostNetwork pod): in none of the ranges above.
"""

from __future__ import annotations

from tests.e2e.ingress import LB_ADDRESS

LOOPBACK = "127.0.0.1"
POD_RANGE = "127.16.0.0/14"
POD_PEER = "127.16.0.7"
NODE = "127.0.0.3"

# Each peer class, by the name test ids use.
PEERS = {"lb": LB_ADDRESS, "pod": POD_PEER, "node": NODE, "loopback": LOOPBACK}


def in_cluster_cidrs(manifest_value: str) -> str:
    """IAP_IN_CLUSTER_CIDRS as the harness runs the server: the manifests' ranges + POD_RANGE."""
    return ",".join(filter(None, [manifest_value, POD_RANGE]))
