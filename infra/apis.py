"""The Google Cloud APIs the deployment calls, enabled before anything that needs them."""

from __future__ import annotations

from collections.abc import Iterable

from cdktf_cdktf_provider_google.project_service import ProjectService
from constructs import Construct

# Every platform: the bucket (on by default in a new project; enabled anyway, so the bucket
# has an API to wait for), Cloud SQL (+ its Auth Proxy, which calls sqladmin), the service
# account (+ token minting), the registry and its image build, the password secret, and the
# project IAM policy that the cloudsql.* grants edit (cloudresourcemanager).
CORE_APIS = (
    "storage.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "sqladmin.googleapis.com",
    "secretmanager.googleapis.com",
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "compute.googleapis.com",
)
# The GKE platform this project creates adds the cluster, its VPC (which waits for service
# networking: the database's private services connection is made on it), the private
# googleapis.com zone and the Binary Authorization hook on the cluster. The team's cluster adds
# EXISTING_GKE_APIS. The edge and the database connectivity add their own (infra/edges/,
# infra/connectivity/).
GKE_APIS = (
    "container.googleapis.com",
    "servicenetworking.googleapis.com",
    "dns.googleapis.com",
    "binaryauthorization.googleapis.com",
)
EXISTING_GKE_APIS = ("container.googleapis.com", "dns.googleapis.com")

# Google-managed service accounts that exist only once their API is enabled.
SERVICE_AGENT_DOMAINS = {
    "@cloudbuild.gserviceaccount.com": "cloudbuild",
    "@gcp-sa-cloudbuild.iam.gserviceaccount.com": "cloudbuild",
    "-compute@developer.gserviceaccount.com": "compute",
    "@compute-system.iam.gserviceaccount.com": "compute",
    "@container-engine-robot.iam.gserviceaccount.com": "container",
}


def service_agent_apis(member: str) -> list[str]:
    """The APIs whose enabling creates the service account a member names (none for others)."""
    return [api for domain, api in SERVICE_AGENT_DOMAINS.items() if member.endswith(domain)]


# Alerts, the uptime check and the dashboard (monitoring.enabled), on every platform: Cloud SQL
# is watched everywhere, the ingress and the pods where they exist (infra/monitoring/).
MONITORING_APIS = ("monitoring.googleapis.com",)

# A cluster outside Google Cloud exchanges its tokens at the Security Token Service.
FEDERATION_APIS = ("sts.googleapis.com",)


class RequiredApis(Construct):
    """`google_project_service` per API.

    Options:
      services: API names (`*.googleapis.com`). Required.
      disable_on_destroy: turn an API off when the stack is destroyed. Default: False, because
        other workloads of the project may use the same API and disabling one breaks them.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        services: Iterable[str],
        disable_on_destroy: bool = False,
    ) -> None:
        super().__init__(scope, id)
        self.services: dict[str, ProjectService] = {}
        for service in services:
            if not service.endswith(".googleapis.com"):
                raise ValueError(f"service {service!r} must end with .googleapis.com")
            self.services[service] = ProjectService(
                self,
                service.removesuffix(".googleapis.com"),
                service=service,
                disable_on_destroy=disable_on_destroy,
                # Enabling an API is idempotent; a missing dependent service is not an error.
                disable_dependent_services=False,
            )

    def __getitem__(self, service: str) -> ProjectService:
        """The resource enabling `service` (short name `sqladmin` or full name)."""
        full = service if service.endswith(".googleapis.com") else f"{service}.googleapis.com"
        try:
            return self.services[full]
        except KeyError:
            raise KeyError(f"API {full} is not enabled by this stack") from None

    def __contains__(self, service: object) -> bool:
        full = (
            f"{service}"
            if f"{service}".endswith(".googleapis.com")
            else f"{service}.googleapis.com"
        )
        return full in self.services

    def all(self) -> list[ProjectService]:
        return list(self.services.values())
