"""The `Monitoring` construct: what every signal builds on, and the dashboard that shows them.

It holds the email channels, turns a `Chart` into an alert condition (`above`) and a condition
into a policy that notifies every channel (`alert`), and collects each signal's charts into one
dashboard, each with its alert's threshold drawn in. The signals themselves live one module each
(database.py, ingress.py, pods.py): the stack watches Cloud SQL on every platform, and the
platform object adds what exists only where it does (infra/platforms/).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_google.monitoring_alert_policy import (
    MonitoringAlertPolicy,
    MonitoringAlertPolicyAlertStrategy,
    MonitoringAlertPolicyConditions,
    MonitoringAlertPolicyConditionsConditionThreshold,
    MonitoringAlertPolicyConditionsConditionThresholdAggregations,
    MonitoringAlertPolicyConditionsConditionThresholdDenominatorAggregations,
    MonitoringAlertPolicyConditionsConditionThresholdTrigger,
    MonitoringAlertPolicyDocumentation,
)
from cdktf_cdktf_provider_google.monitoring_dashboard import MonitoringDashboard
from cdktf_cdktf_provider_google.monitoring_notification_channel import (
    MonitoringNotificationChannel,
)
from constructs import Construct

from infra.monitoring.charts import Chart
from infra.monitoring.database import watch_database
from infra.monitoring.ingress import watch_ingress
from infra.monitoring.pods import watch_pods
from infra.monitoring.uptime import IngressUptimeCheck
from settings.monitoring import MonitoringSettings

# An incident closes itself this long after its condition stops being met.
AUTO_CLOSE = "1800s"


class Monitoring(Construct):
    """Email channels, alert policies and a dashboard for one environment.

    Options:
      project_id: Required.
      name: prefix of every display name (the environment's base name). Required.
      thresholds: the `monitoring` settings (emails, thresholds). Required.
      labels: user labels on the channels, policies and the uptime check. Default: none.
      depends_on: resources to create first (the Monitoring API). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        project_id: str,
        name: str,
        thresholds: MonitoringSettings,
        labels: Mapping[str, str] | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        super().__init__(scope, id)
        self.project_id, self.name, self.thresholds = project_id, name, thresholds
        self.labels = dict(labels or {}) or None
        self.depends_on = list(depends_on) or None
        self.channels = [
            MonitoringNotificationChannel(
                self,
                f"email-{i}",
                type="email",
                display_name=f"{name}: {email}",
                labels={"email_address": email},
                user_labels=self.labels,
                depends_on=self.depends_on,
            )
            for i, email in enumerate(thresholds.notification_emails)
        ]
        self.policies: dict[str, MonitoringAlertPolicy] = {}
        self.charts: list[Chart] = []

    # -- building blocks ------------------------------------------------------------------------

    def alert(
        self,
        id: str,
        *,
        title: str,
        conditions: Sequence[MonitoringAlertPolicyConditions],
        documentation: str,
        severity: str,
        armed_later: bool = False,
    ) -> MonitoringAlertPolicy:
        """One policy (any condition opens an incident), notifying every channel.

        armed_later: create it disabled and leave `enabled` to the command that arms it once
        what it watches can answer (Terraform then never disarms it again). Default: False.
        """
        policy = MonitoringAlertPolicy(
            self,
            id,
            display_name=f"{self.name}: {title}",
            combiner="OR",
            conditions=list(conditions),
            notification_channels=[c.id for c in self.channels] or None,
            documentation=MonitoringAlertPolicyDocumentation(
                content=documentation, mime_type="text/markdown"
            ),
            alert_strategy=MonitoringAlertPolicyAlertStrategy(auto_close=AUTO_CLOSE),
            severity=severity,
            enabled=False if armed_later else None,
            lifecycle=TerraformResourceLifecycle(ignore_changes=["enabled"])
            if armed_later
            else None,
            user_labels=self.labels,
            depends_on=self.depends_on,
        )
        self.policies[id] = policy
        return policy

    @staticmethod
    def above(
        name: str,
        chart: Chart,
        *,
        threshold: float,
        duration_seconds: int,
        denominator: Chart | None = None,
    ) -> MonitoringAlertPolicyConditions:
        """`chart`'s series (or its ratio to `denominator`'s) above `threshold` for a while."""

        def aggregations(c: Chart, kind: Any) -> list[Any]:
            return [
                kind(
                    alignment_period=c.period,
                    per_series_aligner=c.aligner,
                    cross_series_reducer=c.reducer,
                    group_by_fields=list(c.group_by) or None,
                )
            ]

        return MonitoringAlertPolicyConditions(
            display_name=name,
            condition_threshold=MonitoringAlertPolicyConditionsConditionThreshold(
                filter=chart.filter,
                aggregations=aggregations(
                    chart, MonitoringAlertPolicyConditionsConditionThresholdAggregations
                ),
                denominator_filter=denominator.filter if denominator else None,
                denominator_aggregations=aggregations(
                    denominator,
                    MonitoringAlertPolicyConditionsConditionThresholdDenominatorAggregations,
                )
                if denominator
                else None,
                comparison="COMPARISON_GT",
                threshold_value=threshold,
                duration=f"{duration_seconds}s",
                trigger=MonitoringAlertPolicyConditionsConditionThresholdTrigger(count=1),
            ),
        )

    # -- the signals (one module each) ----------------------------------------------------------

    def watch_database(self, *, database_id: str) -> None:
        """Cloud SQL's disk and CPU, on every platform (database.py)."""
        watch_database(self, database_id=database_id)

    def watch_ingress(
        self, *, host: str, forwarding_rule_regex: str, first_checks: str | None = None
    ) -> IngressUptimeCheck:
        """The uptime check on `host` and the load balancer's 5xx share (ingress.py)."""
        extra = {"first_checks": first_checks} if first_checks else {}
        return watch_ingress(self, host=host, forwarding_rule_regex=forwarding_rule_regex, **extra)

    def watch_pods(self, *, cluster: str, location: str, namespace: str, scrape_job: str) -> None:
        """Managed Prometheus' scrape of the server and container restarts (pods.py)."""
        watch_pods(
            self, cluster=cluster, location=location, namespace=namespace, scrape_job=scrape_job
        )

    # -- the dashboard ------------------------------------------------------------------------

    def dashboard_json(self) -> str:
        tiles = [chart.tile(24 * (i % 2), 16 * (i // 2)) for i, chart in enumerate(self.charts)]
        body = {
            "displayName": f"MLflow {self.name}",
            "mosaicLayout": {"columns": 48, "tiles": tiles},
        }
        return json.dumps(body, sort_keys=True)

    def add_dashboard(self) -> MonitoringDashboard:
        """One dashboard with every chart; call after the platform added its own."""
        return MonitoringDashboard(
            self, "dashboard", dashboard_json=self.dashboard_json(), depends_on=self.depends_on
        )
