"""platform gke-existing: read the team's cluster and network at plan time, and fail the plan,
naming the fix, when one lacks what the manifests rely on.

Each check is a postcondition on a data source, so `make plan` reports it before anything is
created. `try()` makes a missing block (an add-on never configured) count as off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable, Postcondition, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.data_google_compute_global_address import (
    DataGoogleComputeGlobalAddress,
)
from cdktf_cdktf_provider_google.data_google_compute_network import DataGoogleComputeNetwork
from cdktf_cdktf_provider_google.data_google_container_cluster import DataGoogleContainerCluster
from constructs import Construct


@dataclass(frozen=True)
class Requirement:
    condition: str  # a Terraform expression on `self`, without ${}
    missing: str  # what is missing
    fix: str  # the command or setting that adds it


def cluster_requirements(
    *, project: str, name: str, location: str, autopilot: bool
) -> list[Requirement]:
    where = f"{name} --location={location} --project={project}"
    found = [
        Requirement(
            f'try(self.workload_identity_config[0].workload_pool, "") == "{project}.svc.id.goog"',
            "Workload Identity (the pod acts as the workload service account through it)",
            f"gcloud container clusters update {where} --workload-pool={project}.svc.id.goog",
        ),
        Requirement(
            "try(self.secret_manager_config[0].enabled, false)",
            "the Secret Manager add-on (it mounts the database password)",
            f"gcloud container clusters update {where} --enable-secret-manager",
        ),
        Requirement(
            "!try(self.addons_config[0].http_load_balancing[0].disabled, false)",
            "the HTTP load balancing add-on (the GKE Ingress controller)",
            f"gcloud container clusters update {where} --update-addons=HttpLoadBalancing=ENABLED",
        ),
        Requirement(
            "try(self.monitoring_config[0].managed_prometheus[0].enabled, false)",
            "Managed Service for Prometheus (dist/ has a PodMonitoring)",
            f"gcloud container clusters update {where} --enable-managed-prometheus",
        ),
        Requirement(
            f"self.enable_autopilot == {str(autopilot).lower()}",
            "Autopilot" if autopilot else "a Standard cluster",
            f"set existing_cluster.autopilot: {str(not autopilot).lower()} (the cluster is "
            f"{'Standard' if autopilot else 'Autopilot'})",
        ),
    ]
    if not autopilot:  # Autopilot enforces NetworkPolicy with Dataplane V2 always
        found.append(
            Requirement(
                'self.datapath_provider == "ADVANCED_DATAPATH" || '
                "try(self.network_policy[0].enabled, false)",
                "a NetworkPolicy enforcer (Dataplane V2, or the Calico add-on)",
                f"gcloud container clusters update {where} --enable-network-policy (Calico; "
                "Dataplane V2 is chosen only when a cluster is created)",
            )
        )
    return found


def _checks(subject: str, requirements: Sequence[Requirement]) -> TerraformResourceLifecycle:
    return TerraformResourceLifecycle(
        postcondition=[
            Postcondition(
                condition=f"${{{r.condition}}}",
                error_message=f"{subject} lacks {r.missing}: {r.fix}",
            )
            for r in requirements
        ]
    )


class ExistingClusterLookup(Construct):
    """The team's cluster and VPC, read and checked at plan time.

    Options:
      project, name, location: the cluster. Required.
      network_project, network_name: its VPC (a shared VPC's host project). Required.
      autopilot: what the config says the cluster is. Required.
      depends_on: what to read after (the container and compute APIs). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        project: str,
        name: str,
        location: str,
        network_project: str,
        network_name: str,
        autopilot: bool,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        deps = list(depends_on) or None
        subject = f"cluster {name} ({location}, project {project})"
        network = f"projects/{network_project}/global/networks/{network_name}"
        requirements = [
            *cluster_requirements(
                project=project, name=name, location=location, autopilot=autopilot
            ),
            Requirement(
                f'endswith(self.network, "{network}")',
                f"the network existing_cluster.network names ({network})",
                "set existing_cluster.network to the cluster's network",
            ),
        ]
        self.cluster = DataGoogleContainerCluster(
            self,
            "cluster",
            name=name,
            location=location,
            project=project,
            depends_on=deps,
            lifecycle=_checks(subject, requirements),
        )
        self.network = DataGoogleComputeNetwork(
            self, "network", name=network_name, project=network_project, depends_on=deps
        )
        self.network_self_link = self.network.self_link


class ExistingPrivateServicesRange(Construct):
    """The VPC's existing private services range, checked against the config's CIDR."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        project: str,
        range_name: str,
        cidr: str,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        address, prefix = cidr.split("/")
        self.range = DataGoogleComputeGlobalAddress(
            self,
            "range",
            name=range_name,
            project=project,
            depends_on=list(depends_on) or None,
            lifecycle=_checks(
                f"private services range {range_name} (project {project})",
                [
                    Requirement(
                        'self.purpose == "VPC_PEERING"',
                        "the purpose VPC_PEERING (it is not a private services range)",
                        "set existing_cluster.private_services.range_name to the VPC's range "
                        "(gcloud compute addresses list --global --filter=purpose=VPC_PEERING)",
                    ),
                    Requirement(
                        f'self.address == "{address}" && self.prefix_length == {prefix}',
                        f"the CIDR {cidr} that existing_cluster.private_services.cidr says",
                        "set existing_cluster.private_services.cidr to the range's address/prefix",
                    ),
                ],
            ),
        )
