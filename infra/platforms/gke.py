"""What every GKE platform shares, created or the team's own: the Workload Identity binding,
the Kubernetes service account as the reader of the pods' secrets, pod monitoring, outputs."""

from __future__ import annotations

from abc import abstractmethod
from typing import TypeVar

from cdktf import ITerraformDependable

from infra.identity import ServiceAccount
from infra.monitoring import Monitoring
from infra.platforms.base import InfraPlatform, PodReader
from settings import CreatedGke, ExistingGke

G = TypeVar("G", CreatedGke, ExistingGke)


class GkePlatform(InfraPlatform[G]):
    """A GKE cluster with Workload Identity."""

    #: The cluster outputs' descriptions: name, location.
    cluster_descriptions = ("GKE cluster", "GKE cluster zone or region")

    @property
    @abstractmethod
    def cluster_name(self) -> str:
        """The cluster's name as configured (what monitoring filters on)."""

    @property
    @abstractmethod
    def cluster_references(self) -> tuple[str, str]:
        """The cluster's name and location as Terraform references (for the outputs)."""

    @property
    def metrics_project(self) -> str | None:
        return self.target.project

    def bind_workload_identity(
        self,
        workload: ServiceAccount,
        *,
        pool_project_number: str,
        cluster: ITerraformDependable,
    ) -> PodReader:
        """The KSA acts as the workload service account (Workload Identity), and reads the
        pods' secrets as itself: the Secret Manager add-on mounts them with the pod's own
        identity. It honours the KSA's link to the workload account; granting the KSA principal
        too (Workload Identity Federation's direct form) keeps the mount working either way.
        The add-on mounts all of a SecretProviderClass's secrets or none. The pool is numbered
        by the cluster's project, and IAM refuses the principal until the cluster has created
        that pool, hence the dependency on the cluster."""
        names = self.names
        workload.grant_workload_identity_user(names.workload_identity_member, depends_on=[cluster])
        ksa = (
            f"principal://iam.googleapis.com/projects/{pool_project_number}/locations/global/"
            f"workloadIdentityPools/{names.workload_pool}/subject/ns/{names.namespace}"
            f"/sa/{names.ksa}"
        )
        return PodReader(member=ksa, depends_on=[cluster])

    def watch(self, monitoring: Monitoring) -> None:
        names = self.names
        # The PodMonitoring is named after the Service (k8s/meta.py).
        monitoring.watch_pods(
            cluster=self.cluster_name,
            location=self.target.location,
            namespace=names.namespace,
            scrape_job=names.service,
        )

    def add_outputs(self) -> None:
        (name, location), (name_text, location_text) = (
            self.cluster_references,
            self.cluster_descriptions,
        )
        self.output("cluster_name", name, name_text)
        self.output("cluster_location", location, location_text)
