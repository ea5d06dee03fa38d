"""platform gke-existing on a shared VPC: the load balancer's health-check firewall rule in the
network's project (the host), when the config lets the stack manage it.

The external Application Load Balancer's health checkers and Google Front Ends reach the
backends from 130.211.0.0/22 and 35.191.0.0/16, and the VPC must allow them in
(https://cloud.google.com/load-balancing/docs/firewall-rules). On a shared VPC the GKE Ingress
and Gateway controllers of a service project usually may not create firewall rules in the host
(kubernetes/ingress-gce#1462, "Handle case of not having firewall create/update/delete with
XPN": without the permission the controller only raises an event), so the NEG backends
stay unhealthy and the load balancer answers 502. With existing_cluster.manage_host_firewall
the stack creates one rule, scoped to the pods' range and the server's port
(destination_ranges: with container-native load balancing the checks go to the pod IPs);
otherwise `make plan` checks that such a rule exists (ops/shared_vpc.py) and prints the gcloud
command that creates it.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.compute_firewall import (
    ComputeFirewall,
    ComputeFirewallAllow,
    ComputeFirewallLogConfig,
)
from constructs import Construct

from settings.contract import LOAD_BALANCER_RANGES


class HealthCheckFirewall(Construct):
    """An INGRESS allow rule from the load balancer's ranges to the pods' serving port.

    Options:
      name: the rule's name. Required.
      project: the network's project (a shared VPC's host). Required.
      network: the VPC's self link or id. Required.
      pods_cidr: the cluster's pod range, the only destination. Required.
      port: the server's container port. Required.
      depends_on: what to create first. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        project: str,
        network: str,
        pods_cidr: str,
        port: int,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        self.rule = ComputeFirewall(
            self,
            "rule",
            name=name,
            project=project,
            network=network,
            direction="INGRESS",
            priority=1000,
            description="Google's load balancer health checks and front ends to MLflow's pods",
            source_ranges=list(LOAD_BALANCER_RANGES),
            destination_ranges=[pods_cidr],
            allow=[ComputeFirewallAllow(protocol="tcp", ports=[str(port)])],
            log_config=ComputeFirewallLogConfig(metadata="EXCLUDE_ALL_METADATA"),
            depends_on=list(depends_on) or None,
        )
        self.name = self.rule.name
