"""An uptime check on the ingress host, which IAP guards.

An uptime check cannot sign in through IAP: its only authentication is an OIDC token of the
Monitoring service agent, which IAP does not accept (IAP takes an ID token whose audience is an
allowlisted OAuth client, or a service account's signed JWT). IAP answers an unauthenticated
request with 302, a redirect to Google's sign-in. The check therefore accepts exactly 302, over
HTTPS with the certificate validated, which proves: the host resolves to the static IP, the
load balancer answers on it, its managed certificate is valid for the host, and IAP guards the
backend. A 200 fails the check too: it would mean that IAP no longer guards MLflow. Whether the
server itself answers is what Managed Prometheus' scrape of the pods tells (pods.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.monitoring_uptime_check_config import (
    MonitoringUptimeCheckConfig,
    MonitoringUptimeCheckConfigHttpCheck,
    MonitoringUptimeCheckConfigHttpCheckAcceptedResponseStatusCodes,
    MonitoringUptimeCheckConfigMonitoredResource,
)
from constructs import Construct

IAP_SIGN_IN_REDIRECT = 302
PERIODS = (60, 300, 600, 900)  # what the API accepts, in seconds


class IngressUptimeCheck(Construct):
    """HTTPS GET https://<host>/ from Google's checkers in every region, expecting IAP's 302.

    Options:
      project_id, host: Required.
      period_seconds: 60, 300, 600 or 900. Default: 60.
      timeout_seconds: 1 to 60. Default: 10.
      labels: user labels. Default: none.
      depends_on: resources to create first (the Monitoring API). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        project_id: str,
        host: str,
        period_seconds: int = 60,
        timeout_seconds: int = 10,
        labels: Mapping[str, str] | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        if period_seconds not in PERIODS:
            raise ValueError(f"period_seconds {period_seconds} must be one of {PERIODS}")
        if not 1 <= timeout_seconds <= 60:
            raise ValueError(f"timeout_seconds {timeout_seconds} must be 1 to 60")
        self.host = host
        self.check = MonitoringUptimeCheckConfig(
            self,
            "check",
            display_name=f"MLflow ingress https://{host} (IAP)",
            period=f"{period_seconds}s",
            timeout=f"{timeout_seconds}s",
            checker_type="STATIC_IP_CHECKERS",
            monitored_resource=MonitoringUptimeCheckConfigMonitoredResource(
                type="uptime_url", labels={"project_id": project_id, "host": host}
            ),
            http_check=MonitoringUptimeCheckConfigHttpCheck(
                path="/",
                port=443,
                use_ssl=True,
                validate_ssl=True,
                request_method="GET",
                accepted_response_status_codes=[
                    MonitoringUptimeCheckConfigHttpCheckAcceptedResponseStatusCodes(
                        status_value=IAP_SIGN_IN_REDIRECT
                    )
                ],
            ),
            log_check_failures=True,
            user_labels=dict(labels or {}) or None,
            depends_on=list(depends_on) or None,
        )
        self.check_id = self.check.uptime_check_id
