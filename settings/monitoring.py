"""Cloud Monitoring: who is told, and when (infra/monitoring/ builds the alerts)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from settings.rules import EMAIL

Email = Annotated[str, AfterValidator(EMAIL.check)]


class MonitoringSettings(BaseModel):
    """Alerts and a dashboard in Cloud Monitoring: the ingress (uptime check, load balancer
    errors; GKE only), the server's pods (restarts, Managed Prometheus' scrape; GKE only) and
    Cloud SQL (disk, CPU; every platform)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = Field(
        True, description="Create the alerts, the uptime check and the dashboard."
    )
    notification_emails: tuple[Email, ...] = Field(
        (),
        description="Addresses that get every alert (one email notification channel each). "
        "Empty: alerts open incidents in the console only (warned about).",
    )
    uptime_check_period_seconds: Literal[60, 300, 600, 900] = Field(
        60, description="How often the uptime check probes the ingress host, from each region."
    )
    unreachable_minutes: int = Field(
        5,
        ge=2,
        le=60,
        description="Alert when the ingress fails its uptime check, or no server pod answers "
        "Managed Prometheus' scrape, for this long.",
    )
    error_rate_percent: float = Field(
        5.0,
        gt=0,
        le=100,
        description="Alert when more than this share of the load balancer's requests get a "
        "5xx answer, over 5 minutes.",
    )
    database_disk_percent: int = Field(
        85, ge=1, le=100, description="Alert when Cloud SQL's disk is fuller than this."
    )
    database_cpu_percent: int = Field(
        90, ge=1, le=100, description="Alert when Cloud SQL's CPU is busier than this ..."
    )
    database_cpu_minutes: int = Field(15, ge=1, le=1440, description="... for this long.")
    restarts_per_hour: int = Field(
        2,
        ge=0,
        le=1000,
        description="Alert when a container of the server's namespace restarts more often "
        "than this within an hour (0: on every restart).",
    )
