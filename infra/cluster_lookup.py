"""platform gke-existing: read the team's cluster and network at plan time, and fail the plan,
naming the fix, when one lacks what the manifests rely on.

Each check is a postcondition on a data source, so `make plan` reports it before anything is
created. `try()` makes a missing block (an add-on never configured) count as off.

Beyond the add-ons: the control plane must be 1.29 or later, where native sidecars (init
containers with restartPolicy Always, the Cloud SQL proxy here) are on by default
(https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/: beta and on by default
from 1.29); on Standard every node pool must expose the GKE metadata server to pods
(workload_metadata_config GKE_METADATA): enabling Workload Identity on a cluster does not change
the pools it already has (https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity,
"Enable Workload Identity Federation for GKE on existing clusters and node pools"). The cluster's
DNS provider is reported as an output (`cluster_dns`); the NetworkPolicy allows kube-dns,
NodeLocal DNSCache and Cloud DNS alike, so it needs nothing from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import (
    Fn,
    ITerraformDependable,
    Op,
    Postcondition,
    TerraformResourceLifecycle,
    Token,
)
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
    found.append(
        Requirement(
            'tonumber(split(".", self.master_version)[0]) > 1 || '
            'tonumber(split(".", self.master_version)[1]) >= 29',
            "a control plane of 1.29 or later (the proxy is a native sidecar)",
            f"gcloud container clusters upgrade {where} --master --cluster-version=1.29 (or a "
            "later version of its release channel)",
        )
    )
    if not autopilot:  # Autopilot: Dataplane V2 and the GKE metadata server always
        found.append(
            Requirement(
                "alltrue([for p in self.node_pool : "
                'try(p.node_config[0].workload_metadata_config[0].mode, "") == "GKE_METADATA"])',
                "the GKE metadata server on every node pool (Workload Identity on the cluster "
                "does not change pools that already exist)",
                f"gcloud container node-pools update POOL --cluster={name} --location={location} "
                f"--project={project} --workload-metadata=GKE_METADATA, for each POOL that "
                f"gcloud container node-pools list --cluster={name} --location={location} "
                f"--project={project} --format='value(name,config.workloadMetadataConfig.mode)' "
                "shows without it",
            )
        )
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
        self.autopilot = autopilot

    def node_service_account(self, project_number: str) -> str:
        """The email the cluster's nodes run as, read from the cluster: Autopilot's
        auto-provisioning defaults, or a Standard cluster's first node pool; "default" there
        means the project's Compute Engine default account."""
        c = self.cluster
        if self.autopilot:
            read = Fn.try_(
                [
                    c.cluster_autoscaling.get(0).auto_provisioning_defaults.get(0).service_account,
                    "default",
                ]
            )
        else:
            read = Fn.try_(
                [
                    c.node_pool.get(0).node_config.get(0).service_account,
                    c.node_config.get(0).service_account,
                    "default",
                ]
            )
        compute_default = Fn.join("", [project_number, "-compute@developer.gserviceaccount.com"])
        return Token.as_string(Fn.conditional(Op.eq(read, "default"), compute_default, read))

    @property
    def dns_provider(self) -> str:
        """Which DNS the pods use, as a sentence (kube-dns or Cloud DNS, and whether
        NodeLocal DNSCache answers on 169.254.20.10 first)."""
        # Autopilot: always Cloud DNS, always NodeLocal DNSCache
        # (https://cloud.google.com/kubernetes-engine/docs/how-to/nodelocal-dns-cache).
        if self.autopilot:
            return "Cloud DNS (169.254.169.254) behind NodeLocal DNSCache (169.254.20.10)"
        c = self.cluster
        cloud_dns = Op.eq(Fn.try_([c.dns_config.get(0).cluster_dns, ""]), "CLOUD_DNS")
        node_local = Fn.try_([c.addons_config.get(0).dns_cache_config.get(0).enabled, False])
        provider = Fn.conditional(cloud_dns, "Cloud DNS (169.254.169.254)", "kube-dns")
        cache = Fn.conditional(node_local, " behind NodeLocal DNSCache (169.254.20.10)", "")
        return Fn.join("", [Token.as_string(provider), Token.as_string(cache)])


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
