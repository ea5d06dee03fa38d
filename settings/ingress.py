"""The `ingress:` section: how users reach the server on GKE (host, IAP, OAuth client, and
which Kubernetes API builds the load balancer)."""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator, model_validator

from settings.rules import Rule
from settings.types import Hostname, IamMembers, OAuthClientId, SecretId, Section

WORKFORCE_POOL = Rule(
    r"locations/global/workforcePools/[a-z][a-z0-9-]{4,61}[a-z0-9]",
    "a workforce pool: locations/global/workforcePools/<pool id> (gcloud iam workforce-pools "
    "list --location=global --organization=ORG_ID --format='value(name)')",
)
WORKFORCE_CLIENT_ID = Rule(
    r"[A-Za-z0-9][A-Za-z0-9._-]{2,254}",
    "the workforce OAuth client's ID (gcloud iam oauth-clients describe CLIENT "
    "--location=global --format='value(clientId)')",
)
# Cloud Armor's preconfigured WAF rule sets: <name>-v<version>-<stable|canary>
# (https://cloud.google.com/armor/docs/waf-rules).
WAF_RULE = Rule(
    r"[a-z0-9]+(-[a-z0-9]+)*-v[0-9]+-(stable|canary)",
    "a preconfigured WAF rule set such as sqli-v33-stable or xss-v33-stable",
)


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


class WorkforceIdentity(Section):
    """IAP signs users in with workforce identity federation (Entra ID, Okta, AD FS...)
    instead of Google identities, set in Terraform on the project's IAP settings
    (google_iap_settings, projects/<number>/iap_web/compute), which no recreation of the
    generated backend service drops (docs/enterprise.md, Entra ID and workforce identity)."""

    pool: Annotated[str, AfterValidator(WORKFORCE_POOL.check)] = Field(
        description="The workforce pool (IAP accepts one): locations/global/workforcePools/<id>."
    )
    client_id: Annotated[str, AfterValidator(WORKFORCE_CLIENT_ID.check)] = Field(
        description="The workforce OAuth client's ID (gcloud iam oauth-clients create ...), a "
        "different client from ingress.oauth_client."
    )
    client_secret: SecretId = Field(
        description="The Secret Manager secret (in project_id) that holds the workforce OAuth "
        "client's secret; Terraform reads its latest version (the value is then in the "
        "Terraform state: keep state in state_bucket)."
    )


class CloudArmor(Section):
    """A Cloud Armor security policy on the load balancer's backend service (Standard tier:
    a monthly charge per policy and per rule, and one per million requests evaluated;
    docs/enterprise.md, Audit logs and Cloud Armor)."""

    allowed_cidrs: tuple[str, ...] = Field(
        (),
        description="Only these source ranges get through (403 for the rest). Empty: any source.",
    )
    throttle_per_minute: int | None = Field(
        None,
        gt=0,
        description="Requests per minute one client IP may send; beyond them, 429. None: no limit.",
    )
    waf_rules: tuple[Annotated[str, AfterValidator(WAF_RULE.check)], ...] = Field(
        (),
        description="Preconfigured WAF rule sets to deny (403), e.g. [sqli-v33-stable]. Tune "
        "them in preview first: MLflow's JSON API can trip them.",
    )

    @field_validator("allowed_cidrs")
    @classmethod
    def _cidrs(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for cidr in value:
            try:
                ipaddress.ip_network(cidr, strict=True)
            except ValueError as exc:
                raise ValueError(
                    f"allowed_cidrs entry {cidr!r} is not a CIDR block ({exc})"
                ) from None
            if "/" not in cidr:
                raise ValueError(f"allowed_cidrs entry {cidr!r}: add its prefix length")
        return value

    @model_validator(mode="after")
    def _has_a_rule(self) -> CloudArmor:
        if not (self.allowed_cidrs or self.throttle_per_minute or self.waf_rules):
            raise ValueError(
                "cloud_armor needs allowed_cidrs, throttle_per_minute or waf_rules: a policy "
                "whose only rule allows everything costs its monthly charges and protects "
                "nothing (Cloud Armor Standard's DDoS protection needs no policy)"
            )
        return self

    @property
    def rule_count(self) -> int:
        """Billable rules: each WAF set, the allow or throttle rule, and the default rule."""
        return len(self.waf_rules) + bool(self.allowed_cidrs or self.throttle_per_minute) + 1


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
    "the console (docs/access.md#iap-on-the-gateway-api), keep its secret in Secret Manager "
    "and name both in ingress.oauth_client, or use api: ingress"
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

    workforce_identity: WorkforceIdentity | None = Field(
        None,
        description="Sign users in through a workforce identity pool (Entra ID, Okta) instead "
        "of Google identities. None: Google identities.",
    )
    programmatic_clients: tuple[OAuthClientId, ...] = Field(
        (),
        description="OAuth client IDs whose Google ID tokens IAP accepts from scripts and "
        "notebooks (a Desktop client per organization), set on the cluster project's IAP "
        "settings by Terraform. Empty: browser sign-in only (and service accounts' tokens).",
    )
    cloud_armor: CloudArmor | None = Field(
        None,
        description="A Cloud Armor policy on the load balancer (billed per policy, rule and "
        "request). None: none.",
    )

    @model_validator(mode="after")
    def _gateway_has_a_client(self) -> IngressSettings:
        if self.api is IngressApi.GATEWAY and self.oauth_client is None:
            raise ValueError(GATEWAY_NEEDS_CLIENT)
        return self
