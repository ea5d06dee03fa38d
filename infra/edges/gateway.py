"""The Gateway API: GKE's Gateway controller builds a global external Application Load Balancer
on a reserved global IP, with a Certificate Manager certificate, a TLS policy and IAP.
Terraform creates what the Gateway names before it exists (the IP, the certificate map, the
SSL policy), who passes IAP, and the alerts on the host.

The Gateway API must be on in the cluster (gateway_api_config; the created cluster turns it on
for this edge, infra/platforms/created_gke.py). IAP takes the team's custom OAuth client
(settings/ingress.py refuses api: gateway without one, gke-gateway-api#57), so no organization
check is needed: the client admits whom its consent screen admits.
"""

from __future__ import annotations

from cdktf import TerraformStack

from infra.apis import RequiredApis
from infra.certificates import ManagedCertificate
from infra.edge import Edge
from infra.edges.base import InfraEdge
from infra.identity import ServiceAccount
from infra.monitoring import Monitoring, gateway_forwarding_rule_regex


class GatewayEdge(InfraEdge):
    apis = ("iap.googleapis.com", "certificatemanager.googleapis.com")
    #: The created cluster turns the Gateway API on (CHANNEL_STANDARD: Gateway, HTTPRoute v1).
    gateway_api = True
    edge: Edge
    certificate: ManagedCertificate

    def build(self, stack: TerraformStack, *, project: str, apis: RequiredApis) -> None:
        s, names = self.settings, self.names
        # The static IP, the SSL policy and the IAP grants are the Ingress edge's: the grants
        # are on the project's IAP web resource, limited to the host, so they survive the
        # controller recreating its backend service (infra/edge.py).
        self.edge = Edge(
            stack,
            "edge",
            static_ip_name=names.static_ip,
            ssl_policy_name=names.ssl_policy,
            host=s.ingress.host,
            iap_members=s.ingress.iap_members,
            project=project,
            require_organization=False,
            depends_on=[apis["compute"], apis["iap"], apis["cloudresourcemanager"]],
        )
        self.certificate = ManagedCertificate(
            stack,
            "certificate",
            host=s.ingress.host,
            certificate_name=names.certificate,
            map_name=names.certificate_map,
            dns_authorization_name=names.dns_authorization,
            project=project,
            labels=s.common_labels,
            depends_on=[apis["certificatemanager"]],
        )

    def admit_workload(self, workload: ServiceAccount) -> None:
        auth = self.settings.auth
        # As the Ingress edge: without a configured id the server looks its backend service up.
        if auth.enabled and auth.backend_service_id is None:
            self.edge.grant_backend_service_lister(
                workload.member, role_id=self.names.backend_lister_role
            )

    def watch(self, monitoring: Monitoring) -> None:
        names = self.names
        # The Gateway is named after the Service (k8s/edges/gateway_chart.py).
        monitoring.watch_ingress(
            host=self.settings.ingress.host,
            forwarding_rule_regex=gateway_forwarding_rule_regex(names.namespace, names.service),
            first_checks="`kubectl describe gateway` in the server's namespace and `gcloud "
            "certificate-manager certificates list`",
        )

    def add_outputs(self, stack: TerraformStack) -> None:
        cert = self.certificate
        self.output(
            stack,
            "static_ip_address",
            self.edge.static_ip_address,
            "Point the host's A record here",
        )
        self.output(stack, "static_ip_name", self.edge.static_ip_name, "Named by the Gateway")
        self.output(
            stack, "ssl_policy_name", self.edge.ssl_policy_name, "Named by the GCPGatewayPolicy"
        )
        self.output(stack, "certificate_map_name", cert.map_name, "Named by the Gateway")
        self.output(
            stack,
            "dns_authorization_record",
            f"{cert.dns_record_name} {cert.dns_record_type} {cert.dns_record_data}",
            "Add this record to the host's zone once: Certificate Manager provisions and "
            "renews the certificate with it",
        )
