"""The public edge on GKE: the Ingress's global static IP, its TLS policy, and who passes IAP.

The GKE Ingress creates the load balancer and its backend service; this module creates what
must exist before (the IP the Ingress names, the SSL policy its FrontendConfig names) and the
IAP access. IAP uses the Google-managed OAuth client: no brand or client resource (that API
was shut down in 2026).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from cdktf import ITerraformDependable, Postcondition, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.compute_global_address import ComputeGlobalAddress
from cdktf_cdktf_provider_google.compute_ssl_policy import ComputeSslPolicy
from cdktf_cdktf_provider_google.data_google_project_ancestry import DataGoogleProjectAncestry
from cdktf_cdktf_provider_google.iap_web_iam_member import (
    IapWebIamMember,
    IapWebIamMemberCondition,
)
from cdktf_cdktf_provider_google.project_iam_custom_role import ProjectIamCustomRole
from cdktf_cdktf_provider_google.project_iam_member import ProjectIamMember
from constructs import Construct

from infra.grant_moves import moved_from_slug

IAP_ACCESSOR = "roles/iap.httpsResourceAccessor"
TLS_PROFILES = ("MODERN", "RESTRICTED")
# What the MLflow server needs to find its own backend service, hence its IAP audience
# (mlflow_iap_auth.backend_services): list the project's backend services, nothing else
# (https://cloud.google.com/compute/docs/reference/rest/v1/backendServices/list needs
# compute.backendServices.list). No predefined role is that narrow: roles/compute.viewer reads
# every Compute Engine resource of the project (instances, disks, networks, ...). A custom role.
BACKEND_LISTER_PERMISSIONS = ("compute.backendServices.list",)


# The hash's digits: the eight letters of "iap-accessor" itself.
_DIGITS = "aceioprs"


def member_id(member: str) -> str:
    """A grant's construct id part: a short hash of the member, never its text.

    The text made ids collide (user:jane.doe@x and user:jane-doe@x both slugged to
    user-jane-doe-x) and put a principal's identifiers (an Entra ID group's object id) into
    Terraform resource names, which secret scanners flag. 42 bits of sha256 (no collision among
    the few hundred principals an allow policy holds), written in base 8 with the letters the id
    already has: in hex, ~3% of ids pushed their line over detect-secrets' Base64 entropy limit
    (4.5); spelled so, the worst of 70,000 realistic stack and member names measures 4.03.
    """
    number = int(hashlib.sha256(member.encode()).hexdigest(), 16)
    return "".join(_DIGITS[(number >> (3 * i)) & 7] for i in range(14))


class Edge(Construct):
    """Global static IPv4 address, SSL policy (TLS 1.2+), IAP accessors.

    Options:
      static_ip_name, ssl_policy_name: Required.
      host: the DNS name users open; IAP grants are limited to it. Required.
      tls_profile: "MODERN" (TLS 1.2+ forward-secret ciphers) or "RESTRICTED" (also drops
        non-GCM ciphers). Default: "MODERN".
      iap_members: principals granted roles/iap.httpsResourceAccessor: `group:`, `user:`,
        `domain:` or workforce identity federation `principalSet://` / `principal://`.
        Default: none (nobody passes IAP).
      project: the project of the cluster whose Ingress builds the load balancer: the address,
        the policy and the IAP grants must be in it. Default: None (the provider's project).
      require_organization: check at plan time that the project lies inside an organization,
        which Google's managed OAuth client needs. Default: True (False: a custom client).
      depends_on: resources to create first (compute and IAP APIs). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        static_ip_name: str,
        ssl_policy_name: str,
        host: str,
        tls_profile: str = "MODERN",
        iap_members: Sequence[str] = (),
        project: str | None = None,
        require_organization: bool = True,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if tls_profile not in TLS_PROFILES:
            raise ValueError(f"tls_profile {tls_profile!r} must be one of {TLS_PROFILES}")
        for member in iap_members:
            if member in {"allUsers", "allAuthenticatedUsers"}:
                raise ValueError(f"iap_members entry {member!r} would make MLflow public")
        deps = list(depends_on) or None
        # Global (not regional): the GKE Ingress's external Application Load Balancer is global
        # and names the address in kubernetes.io/ingress.global-static-ip-name.
        self.static_ip = ComputeGlobalAddress(
            self,
            "static-ip",
            name=static_ip_name,
            project=project,
            address_type="EXTERNAL",
            ip_version="IPV4",
            description="MLflow ingress",
            depends_on=deps,
        )
        self.ssl_policy = ComputeSslPolicy(
            self,
            "ssl-policy",
            name=ssl_policy_name,
            project=project,
            profile=tls_profile,
            min_tls_version="TLS_1_2",
            depends_on=deps,
        )
        # The backend service IAP guards is created later by the Ingress controller, under a
        # generated name: the grant is on the project's IAP web resource (IAP-protected apps
        # only, not project IAM), limited by a condition to this host.
        self.iap_accessors = [
            moved_from_slug(
                self,
                member,
                iap_members,
                IapWebIamMember(
                    self,
                    # Keyed by member, not position: reordering the list changes nothing.
                    f"iap-accessor-{member_id(member)}",
                    project=project,
                    role=IAP_ACCESSOR,
                    member=member,
                    condition=IapWebIamMemberCondition(
                        title=f"only {host}",
                        description=f"IAP access to https://{host} only",
                        expression=f'request.host == "{host}"',
                    ),
                    depends_on=deps,
                ),
            )
            for member in iap_members
        ]
        if require_organization:
            # "Google-managed OAuth clients can only be used to manage access for internal users
            # that are within an organization" (cloud.google.com/iap/docs/custom-oauth-
            # configuration). Outside one, deploy and apply succeed and nobody can sign in: fail
            # the plan instead. The ancestry's org_id is set under folders too (google_project's
            # is not).
            DataGoogleProjectAncestry(
                self,
                "organization",
                project=project,
                depends_on=deps,
                lifecycle=TerraformResourceLifecycle(
                    postcondition=[
                        Postcondition(
                            condition='${self.org_id != ""}',
                            error_message=(
                                f"project {project or 'of the stack'} is not inside a "
                                "Google Cloud "
                                "organization, and IAP's Google-managed OAuth client admits "
                                "nobody there: set ingress.oauth_client to a custom OAuth "
                                "client (docs/access.md#iap-without-an-organization)"
                            ),
                        )
                    ]
                ),
            )
        self._project, self._deps = project, deps
        self.static_ip_name = self.static_ip.name
        self.static_ip_address = self.static_ip.address
        self.ssl_policy_name = self.ssl_policy.name

    def grant_backend_service_lister(self, member: str, *, role_id: str) -> ProjectIamMember:
        """Let `member` list the project's backend services (read-only: names, ids,
        descriptions, settings), so that the MLflow server finds the one the Ingress builds and
        pins IAP's audience to it. A custom role in the edge's project with
        BACKEND_LISTER_PERMISSIONS only; the list is project-wide, so the grant is too."""
        role = ProjectIamCustomRole(
            self,
            "backend-lister-role",
            project=self._project,
            role_id=role_id,
            title="MLflow backend service lister",
            description="List backend services: the MLflow server finds its IAP audience",
            permissions=list(BACKEND_LISTER_PERMISSIONS),
            depends_on=self._deps,
        )
        return ProjectIamMember(
            self,
            "backend-lister",
            project=role.project,
            role=role.name,
            member=member,
            depends_on=self._deps,
        )
