"""The `ingress:` section: how users reach the server on GKE (host, IAP, OAuth client)."""

from __future__ import annotations

from pydantic import Field

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
        "only for a project inside an organization (Terraform checks at plan time).",
    )
