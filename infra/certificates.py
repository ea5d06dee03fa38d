"""The Gateway edge's certificate: a Google-managed certificate from Certificate Manager, in a
certificate map the Gateway names (annotation networking.gke.io/certmap).

Domain authorization by DNS, not by load balancer
(https://cloud.google.com/certificate-manager/docs/domain-authorization): load balancer
authorization can only provision "after the load balancer has been fully set up and is serving
network traffic", so a first deploy answers HTTPS with no valid certificate until DNS points
at the IP and Google's check passes (up to an hour, as the Ingress edge's ManagedCertificate).
A DNS authorization is one CNAME record, `_acme-challenge.<host>`, that the team adds once
(the stack outputs it); Certificate Manager then provisions the certificate in advance, before
the Gateway exists, and renews it whatever the load balancer does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.certificate_manager_certificate import (
    CertificateManagerCertificate,
    CertificateManagerCertificateManaged,
)
from cdktf_cdktf_provider_google.certificate_manager_certificate_map import (
    CertificateManagerCertificateMap,
)
from cdktf_cdktf_provider_google.certificate_manager_certificate_map_entry import (
    CertificateManagerCertificateMapEntry,
)
from cdktf_cdktf_provider_google.certificate_manager_dns_authorization import (
    CertificateManagerDnsAuthorization,
)
from constructs import Construct


class ManagedCertificate(Construct):
    """A DNS authorization for `host`, a Google-managed certificate for it (global: the global
    external Application Load Balancer's), and a certificate map with one entry for the host.

    Options:
      host: the DNS name users open. Required.
      certificate_name, map_name, dns_authorization_name: Required.
      project: the project of the cluster whose Gateway builds the load balancer: the map must
        be in it. Default: None (the provider's project).
      labels: GCP labels. Default: none.
      depends_on: resources to create first (the Certificate Manager API). Default: none.
    Attributes: map_name; dns_record_name, dns_record_type, dns_record_data (the CNAME to
    add to the host's zone).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        host: str,
        certificate_name: str,
        map_name: str,
        dns_authorization_name: str,
        project: str | None = None,
        labels: Mapping[str, str] | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        deps = list(depends_on) or None
        labels = dict(labels or {}) or None
        # https://cloud.google.com/certificate-manager/docs/dns-authorizations: one per domain.
        self.dns_authorization = CertificateManagerDnsAuthorization(
            self,
            "dns-authorization",
            name=dns_authorization_name,
            project=project,
            domain=host,
            description=f"Proves {host} for its Google-managed certificate",
            labels=labels,
            depends_on=deps,
        )
        # https://cloud.google.com/certificate-manager/docs/certificates#create-google-managed-
        # dns: scope DEFAULT (global), for the global external Application Load Balancer.
        self.certificate = CertificateManagerCertificate(
            self,
            "certificate",
            name=certificate_name,
            project=project,
            description=f"https://{host}",
            labels=labels,
            managed=CertificateManagerCertificateManaged(
                domains=[host], dns_authorizations=[self.dns_authorization.id]
            ),
            depends_on=deps,
        )
        # https://cloud.google.com/certificate-manager/docs/maps: the map the Gateway names,
        # and its entry serving the certificate for the host (no other hostname is served).
        self.map = CertificateManagerCertificateMap(
            self,
            "map",
            name=map_name,
            project=project,
            description=f"Certificates of the Gateway for {host}",
            labels=labels,
            depends_on=deps,
        )
        CertificateManagerCertificateMapEntry(
            self,
            "map-entry",
            name=map_name + "-host",
            project=project,
            map=self.map.name,
            hostname=host,
            certificates=[self.certificate.id],
            labels=labels,
            depends_on=deps,
        )
        record = self.dns_authorization.dns_resource_record.get(0)
        self.map_name = self.map.name
        self.dns_record_name = record.name
        self.dns_record_type = record.type
        self.dns_record_data = record.data
