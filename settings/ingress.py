"""The `ingress:` section: how users reach the server on GKE (host, IAP, OAuth client, and
which Kubernetes API builds the load balancer)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from settings.types import Hostname, IamMembers, OAuthClientId, SecretId, Section


class OAuthClient(Section):
    """A custom OAuth client for IAP, instead of Google's managed one (which admits only the
    internal users of projects inside an organization)."""

    client_id: OAuthClientId = Field(
        description="The client's ID (not a secret): <number>-<id>.apps.googleusercontent.com."
    )
    secret: SecretId = Field(
        description="The Secret Manager secret (in project_id) that holds the client secret; "
        "`make secrets` copies it into the cluster's Secret that the BackendConfig names."
    )


class IngressApi(StrEnum):
    """Which Kubernetes API GKE builds the external Application Load Balancer from."""

    INGRESS = "ingress"  # GKE Ingress + BackendConfig: the classic Application Load Balancer
    GATEWAY = "gateway"  # Gateway API: the global external Application Load Balancer


# Google's managed OAuth client is not offered on the Gateway API: GCPBackendPolicy's iap
# needs clientID and oauth2ClientSecret (https://googlecloudplatform.github.io/gke-gateway-api/,
# IdentityAwareProxyConfig: "If true, the ClientID and Oauth2ClientSecret fields must be
# non-empty"; https://github.com/GoogleCloudPlatform/gke-gateway-api/issues/57 asks for it).
GATEWAY_NEEDS_CLIENT = (
    "api: gateway needs oauth_client: IAP on the Gateway API takes only a custom OAuth client "
    "(GCPBackendPolicy's iap.clientID and iap.oauth2ClientSecret are required; Google's "
    "managed client is Ingress-only, GoogleCloudPlatform/gke-gateway-api#57). Create one in "
    "the console (README: IAP on the Gateway API), keep its secret in Secret Manager and name "
    "both in ingress.oauth_client, or use api: ingress"
)


class IngressSettings(Section):
    """HTTPS entry on GKE: global static IP, managed certificate, IAP."""

    host: Hostname = Field(
        "mlflow.example.com", description="DNS name users open; point its A record at the IP."
    )
    iap_members: IamMembers = Field(
        (),
        description="Principals granted roles/iap.httpsResourceAccessor: groups, users, or "
        "workforce identity federation principalSets (Active Directory / Entra ID users).",
    )
    oauth_client: OAuthClient | None = Field(
        None,
        description="A custom OAuth client for IAP. None: Google's managed client, which works "
        "only for a project inside an organization (Terraform checks at plan time). "
        "Required with api: gateway.",
    )
    api: IngressApi = Field(
        IngressApi.INGRESS,
        description="What builds the load balancer on GKE: `ingress` (GKE Ingress, "
        "BackendConfig, ManagedCertificate) or `gateway` (Gateway API: Gateway, HTTPRoute, "
        "GCPBackendPolicy, a Certificate Manager certificate; needs oauth_client).",
    )

    @model_validator(mode="after")
    def _gateway_has_a_client(self) -> IngressSettings:
        if self.api is IngressApi.GATEWAY and self.oauth_client is None:
            raise ValueError(GATEWAY_NEEDS_CLIENT)
        return self
