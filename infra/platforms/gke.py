"""What every GKE platform shares, created or the team's own: the pods' access to their secrets,
the public edge (static IP, SSL policy, IAP), the ingress and pod monitoring, the outputs."""

from __future__ import annotations

from abc import abstractmethod

from cdktf import ITerraformDependable

from infra.database import Database
from infra.edge import Edge
from infra.kek import KekPassphrase
from infra.monitoring import Monitoring, ingress_forwarding_rule_regex
from infra.platforms.base import InfraPlatform


class GkePlatform(InfraPlatform):
    """A GKE cluster with Workload Identity, an Ingress and IAP in front of the server."""

    edge: Edge

    #: The cluster outputs' descriptions: name, location.
    cluster_descriptions = ("GKE cluster", "GKE cluster zone or region")

    @property
    @abstractmethod
    def cluster_name(self) -> str:
        """The cluster's name as configured (what monitoring filters on)."""

    @property
    @abstractmethod
    def cluster_location(self) -> str:
        """The cluster's zone or region as configured."""

    @property
    @abstractmethod
    def cluster_references(self) -> tuple[str, str]:
        """The cluster's name and location as Terraform references (for the outputs)."""

    def grant_secrets_to_ksa(
        self,
        *,
        pool_project_number: str,
        database: Database,
        kek: KekPassphrase,
        cluster: ITerraformDependable,
    ) -> None:
        """The Secret Manager add-on mounts the password and the passphrase with the pod's own
        identity. It honours the KSA's link to the workload account; granting the KSA principal
        too (Workload Identity Federation's direct form) keeps the mount working either way.
        The add-on mounts all of a SecretProviderClass's secrets or none. The pool is numbered
        by the cluster's project, and IAM refuses the principal until the cluster has created
        that pool, hence the dependency on the cluster."""
        names = self.names
        ksa = (
            f"principal://iam.googleapis.com/projects/{pool_project_number}/locations/global/"
            f"workloadIdentityPools/{names.workload_pool}/subject/ns/{names.namespace}"
            f"/sa/{names.ksa}"
        )
        database.grant_password_access(ksa, id="password-accessor-ksa", depends_on=[cluster])
        kek.grant_access(ksa, id="accessor-ksa", depends_on=[cluster])

    def build_edge(self, *, project: str) -> None:
        """The static IP, the SSL policy and the IAP grants, in the project whose load balancer
        the Ingress builds (the cluster's)."""
        s, apis = self.settings, self.required
        self.edge = Edge(
            self.stack,
            "edge",
            static_ip_name=self.names.static_ip,
            ssl_policy_name=self.names.ssl_policy,
            host=s.ingress.host,
            iap_members=s.ingress.iap_members,
            project=project,
            require_organization=s.ingress.oauth_client is None,
            depends_on=[apis["compute"], apis["iap"], apis["cloudresourcemanager"]],
        )

    def add_monitoring(self, monitoring: Monitoring) -> None:
        s, names = self.settings, self.names
        # The Ingress and the PodMonitoring are both named after the Service (k8s/meta.py).
        monitoring.watch_ingress(
            host=s.ingress.host,
            forwarding_rule_regex=ingress_forwarding_rule_regex(names.namespace, names.service),
        )
        monitoring.watch_pods(
            cluster=self.cluster_name,
            location=self.cluster_location,
            namespace=names.namespace,
            scrape_job=names.service,
        )

    def add_outputs(self, database: Database) -> None:
        self.output("database_private_ip", database.private_ip_address, "Cloud SQL private IP")
        self.output(
            "static_ip_address", self.edge.static_ip_address, "Point the host's A record here"
        )
        self.output("static_ip_name", self.edge.static_ip_name, "Named by the Ingress")
        self.output("ssl_policy_name", self.edge.ssl_policy_name, "Named by the FrontendConfig")
        (name, location), (name_text, location_text) = (
            self.cluster_references,
            self.cluster_descriptions,
        )
        self.output("cluster_name", name, name_text)
        self.output("cluster_location", location, location_text)
