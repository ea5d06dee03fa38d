"""The GKE Ingress: its controller builds an external Application Load Balancer on a reserved
global IP, with a managed certificate, a TLS policy and IAP. Terraform creates what the Ingress
names before it exists (the IP, the SSL policy), who passes IAP, and the alerts on the host."""

from __future__ import annotations

from cdktf import TerraformStack

from infra.apis import RequiredApis
from infra.edge import Edge
from infra.edges.base import InfraEdge
from infra.identity import ServiceAccount
from infra.monitoring import Monitoring, ingress_forwarding_rule_regex


class IngressEdge(InfraEdge):
    apis = ("iap.googleapis.com",)
    edge: Edge

    def build(self, stack: TerraformStack, *, project: str, apis: RequiredApis) -> None:
        s = self.settings
        self.edge = Edge(
            stack,
            "edge",
            static_ip_name=self.names.static_ip,
            ssl_policy_name=self.names.ssl_policy,
            host=s.ingress.host,
            iap_members=s.ingress.iap_members,
            project=project,
            require_organization=s.ingress.oauth_client is None,
            depends_on=[apis["compute"], apis["iap"], apis["cloudresourcemanager"]],
        )

    def admit_workload(self, workload: ServiceAccount) -> None:
        auth = self.settings.auth
        # IAP identities without a configured id: the server looks its backend service up
        # (auth.backend_service_id set: nothing to look up, no grant).
        if auth.enabled and auth.backend_service_id is None:
            self.edge.grant_backend_service_lister(
                workload.member, role_id=self.names.backend_lister_role
            )

    def watch(self, monitoring: Monitoring) -> None:
        names = self.names
        # The Ingress is named after the Service (k8s/meta.py).
        monitoring.watch_ingress(
            host=self.settings.ingress.host,
            forwarding_rule_regex=ingress_forwarding_rule_regex(names.namespace, names.service),
        )

    def add_outputs(self, stack: TerraformStack) -> None:
        self.output(
            stack,
            "static_ip_address",
            self.edge.static_ip_address,
            "Point the host's A record here",
        )
        self.output(stack, "static_ip_name", self.edge.static_ip_name, "Named by the Ingress")
        self.output(
            stack, "ssl_policy_name", self.edge.ssl_policy_name, "Named by the FrontendConfig"
        )
