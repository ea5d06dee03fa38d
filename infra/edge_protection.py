"""What guards the edge beyond IAP's grants, all optional (ingress.workforce_identity,
ingress.programmatic_clients, ingress.cloud_armor), in the cluster's project where the load
balancer lives:

* Workforce identity federation on IAP (Entra ID, Okta...), set on the project's IAP settings
  for its global backend services (`projects/<number>/iap_web/compute`): the Ingress and the
  Gateway generate their backend services' names, so settings on one service are lost when it
  is recreated; settings at this level are inherited by every IAP-protected global backend
  service of the project, whichever name it gets. IAP with workforce identity federation works
  on every load balancer IAP supports and needs its own OAuth client
  (https://cloud.google.com/iap/docs/use-workforce-identity-federation); the resource and its
  `access_settings.workforce_identity_settings` are in the pinned provider
  (https://registry.terraform.io/providers/hashicorp/google/6.50.0/docs/resources/iap_settings).
  The setting applies to the whole project's global backend services: another IAP application
  of the cluster's project signs in through the same pool. The OAuth clients allowed for
  programmatic access (scripts' ID tokens) go on the same resource: these settings too apply
  "at any level in the resource hierarchy" (https://cloud.google.com/iap/docs/sharing-oauth-clients).
* A Cloud Armor security policy, which the edge's Kubernetes objects attach to the backend
  service (BackendConfig securityPolicy, GCPBackendPolicy securityPolicy):
  https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#cloud_armor,
  https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#configure_cloud_armor.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.compute_security_policy import (
    ComputeSecurityPolicy,
    ComputeSecurityPolicyRule,
    ComputeSecurityPolicyRuleMatch,
    ComputeSecurityPolicyRuleMatchConfig,
    ComputeSecurityPolicyRuleMatchExpr,
    ComputeSecurityPolicyRuleRateLimitOptions,
    ComputeSecurityPolicyRuleRateLimitOptionsRateLimitThreshold,
)
from cdktf_cdktf_provider_google.data_google_project import DataGoogleProject
from cdktf_cdktf_provider_google.data_google_secret_manager_secret_version import (
    DataGoogleSecretManagerSecretVersion,
)
from cdktf_cdktf_provider_google.iap_settings import (
    IapSettings,
    IapSettingsAccessSettings,
    IapSettingsAccessSettingsOauthSettings,
    IapSettingsAccessSettingsWorkforceIdentitySettings,
    IapSettingsAccessSettingsWorkforceIdentitySettingsOauth2,
)
from constructs import Construct

from settings.ingress import CloudArmor, WorkforceIdentity

DEFAULT_RULE_PRIORITY = 2147483647  # Cloud Armor's default rule, evaluated last


class ProjectIapSettings(Construct):
    """IAP's settings for every global backend service of the cluster's project: sign-in
    through a workforce pool, and the OAuth clients whose ID tokens IAP accepts from scripts.

    Options:
      project: the cluster's project (the load balancer's). Required.
      secret_project: where the workforce client secret's Secret Manager secret is
        (project_id). Required.
      workforce: the pool, the OAuth client and the secret holding its secret. Default: None,
        Google identities.
      programmatic_clients: OAuth client IDs allowed for programmatic access. Default: none.
      depends_on: what to read and create after (the IAP, Secret Manager and Resource Manager
        APIs). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        project: str,
        secret_project: str,
        workforce: WorkforceIdentity | None = None,
        programmatic_clients: Sequence[str] = (),
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if workforce is None and not programmatic_clients:
            raise ValueError("ProjectIapSettings needs workforce or programmatic_clients")
        deps = list(depends_on) or None
        number = DataGoogleProject(self, "project", project_id=project, depends_on=deps).number
        access = IapSettingsAccessSettings(
            oauth_settings=(
                IapSettingsAccessSettingsOauthSettings(
                    programmatic_clients=list(programmatic_clients)
                )
                if programmatic_clients
                else None
            ),
        )
        if workforce is not None:
            # The value is read at plan time and kept in the Terraform state (the API takes it
            # as input only and returns a hash): keep the state in a bucket (state_bucket).
            secret = DataGoogleSecretManagerSecretVersion(
                self,
                "client-secret",
                secret=workforce.client_secret,
                project=secret_project,
                depends_on=deps,
            )
            access = IapSettingsAccessSettings(
                identity_sources=["WORKFORCE_IDENTITY_FEDERATION"],
                workforce_identity_settings=IapSettingsAccessSettingsWorkforceIdentitySettings(
                    workforce_pools=[workforce.pool],
                    oauth2=IapSettingsAccessSettingsWorkforceIdentitySettingsOauth2(
                        client_id=workforce.client_id, client_secret=secret.secret_data
                    ),
                ),
                oauth_settings=access.oauth_settings,
            )
        self.settings = IapSettings(
            self,
            "settings",
            name=f"projects/{number}/iap_web/compute",
            access_settings=access,
            depends_on=deps,
        )


def _ip_match(cidrs: Sequence[str]) -> ComputeSecurityPolicyRuleMatch:
    return ComputeSecurityPolicyRuleMatch(
        versioned_expr="SRC_IPS_V1",
        config=ComputeSecurityPolicyRuleMatchConfig(src_ip_ranges=list(cidrs)),
    )


def armor_rules(armor: CloudArmor) -> list[ComputeSecurityPolicyRule]:
    """The policy's rules, in priority order: each WAF set denies (403); then the allowed
    sources are throttled per client IP (429 beyond the limit) or allowed; the default rule
    denies what no allowed source matched, or allows all when every source is allowed."""
    rules = [
        ComputeSecurityPolicyRule(
            priority=1000 + 10 * i,
            action="deny(403)",
            description=f"WAF {name}"[:64],
            match=ComputeSecurityPolicyRuleMatch(
                expr=ComputeSecurityPolicyRuleMatchExpr(
                    expression=f"evaluatePreconfiguredWaf('{name}')"
                )
            ),
        )
        for i, name in enumerate(armor.waf_rules)
    ]
    sources = list(armor.allowed_cidrs) or ["*"]
    if armor.throttle_per_minute:
        rules.append(
            ComputeSecurityPolicyRule(
                priority=2000,
                action="throttle",
                description="per client IP, 429 beyond the limit",
                match=_ip_match(sources),
                rate_limit_options=ComputeSecurityPolicyRuleRateLimitOptions(
                    conform_action="allow",
                    exceed_action="deny(429)",
                    enforce_on_key="IP",
                    rate_limit_threshold=(
                        ComputeSecurityPolicyRuleRateLimitOptionsRateLimitThreshold(
                            count=armor.throttle_per_minute, interval_sec=60
                        )
                    ),
                ),
            )
        )
    elif armor.allowed_cidrs:
        rules.append(
            ComputeSecurityPolicyRule(
                priority=2000,
                action="allow",
                description="the allowed sources",
                match=_ip_match(sources),
            )
        )
    rules.append(
        ComputeSecurityPolicyRule(
            priority=DEFAULT_RULE_PRIORITY,
            action="deny(403)" if armor.allowed_cidrs else "allow",
            description="default rule",
            match=_ip_match(["*"]),
        )
    )
    return rules


class EdgeSecurityPolicy(Construct):
    """A Cloud Armor (Standard tier) policy for the edge's backend service.

    Options:
      name: the policy's name (what the BackendConfig or GCPBackendPolicy names). Required.
      armor: its rules' settings. Required.
      project: the cluster's project. Required.
      depends_on: what to create first (the compute API). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        armor: CloudArmor,
        project: str,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        self.policy = ComputeSecurityPolicy(
            self,
            "policy",
            name=name,
            project=project,
            type="CLOUD_ARMOR",
            description="MLflow's edge: WAF, allowed sources, per-IP throttling",
            rule=armor_rules(armor),
            depends_on=list(depends_on) or None,
        )
        self.name = self.policy.name
