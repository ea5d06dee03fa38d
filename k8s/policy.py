"""Chart `40-policy`: the server pods' NetworkPolicy, default deny both ways, and the
garbage-collection and schema-migration pods', which admit nothing in and reach what the
server reaches.

Each rule comes from the mode that needs it (k8s/flows.py): who may come in is the edge's (the
load balancer's ranges on GKE) and the platform's (the namespaces allowed in-cluster); what the
pods reach is the platform's (DNS, the metadata server), the database connectivity's (the
instance) and the platform's again (Google's APIs). On GKE every peer is a known range. Outside
Google Cloud the proxy reaches Cloud SQL's public IP and the server the public googleapis.com
addresses, which have no fixed range: the policy there limits ports, not addresses (and is
enforced only where the cluster's network does: kind's kube-network-policies, Calico, Cilium;
not docker-desktop).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdk8s import Chart
from cdk8s_plus_33 import k8s
from constructs import Construct

from k8s.flows import Flow, egress_rules, ingress_rules
from k8s.meta import Workload


class PolicyChart(Chart):
    """The server's and gc's NetworkPolicies.

    Options (all required):
      workload: names, labels and the two pod selectors.
      ingress: who may reach the server port.
      egress: what both pods may reach, in order.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        workload: Workload,
        ingress: Sequence[Flow],
        egress: Sequence[Flow],
    ) -> None:
        w = workload
        super().__init__(scope, id, namespace=w.namespace, labels=w.labels)
        out = egress_rules(egress)
        self._policy("network-policy", name=w.name, selector=w.selector, ingress=ingress, out=out)
        # gc serves nothing: nothing comes in.
        self._policy(
            "gc-network-policy", name=w.gc_name, selector=w.gc_selector, ingress=(), out=out
        )
        # `make upgrade`'s migration Job (k8s/migrate_job.py): its proxy reaches what the
        # server's does; nothing comes in.
        self._policy(
            "migrate-network-policy",
            name=w.migrate_name,
            selector=w.migrate_selector,
            ingress=(),
            out=out,
        )

    def _policy(
        self,
        id: str,
        *,
        name: str,
        selector: dict[str, str],
        ingress: Sequence[Flow],
        out: list[k8s.NetworkPolicyEgressRule],
    ) -> None:
        k8s.KubeNetworkPolicy(
            self,
            id,
            metadata=k8s.ObjectMeta(name=name),
            spec=k8s.NetworkPolicySpec(
                pod_selector=k8s.LabelSelector(match_labels=selector),
                policy_types=["Ingress", "Egress"],
                ingress=ingress_rules(ingress) or None,
                egress=out,
            ),
        )
