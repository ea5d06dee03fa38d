"""Cloud Monitoring: the notification channels, the alert policies and one dashboard.

`Monitoring` holds what every platform shares (the channels, the Cloud SQL alerts); the platform
object adds what exists only where it does (infra/platforms/): the ingress (an uptime check and
the load balancer's 5xx share) and the GKE pods (Managed Prometheus' scrape, restarts). Each
alert also becomes a chart of the dashboard, with its threshold drawn in.

Metric types: https://cloud.google.com/monitoring/api/metrics_gcp (uptime_check/check_passed,
loadbalancing https/request_count, cloudsql database/disk|cpu/utilization),
https://cloud.google.com/monitoring/api/metrics_kubernetes (container/restart_count), and
Managed Service for Prometheus' synthetic `up` (prometheus.googleapis.com/up/gauge, resource
prometheus_target with the PodMonitoring's name as `job`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_google.monitoring_alert_policy import (
    MonitoringAlertPolicy,
    MonitoringAlertPolicyAlertStrategy,
    MonitoringAlertPolicyConditions,
    MonitoringAlertPolicyConditionsConditionAbsent,
    MonitoringAlertPolicyConditionsConditionAbsentAggregations,
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

from infra.uptime import IngressUptimeCheck
from settings.monitoring import MonitoringSettings

UPTIME_PASSED = "monitoring.googleapis.com/uptime_check/check_passed"
LB_REQUESTS = "loadbalancing.googleapis.com/https/request_count"
SQL_DISK = "cloudsql.googleapis.com/database/disk/utilization"
SQL_CPU = "cloudsql.googleapis.com/database/cpu/utilization"
RESTARTS = "kubernetes.io/container/restart_count"
SCRAPE_UP = "prometheus.googleapis.com/up/gauge"
METRIC_TYPES = (UPTIME_PASSED, LB_REQUESTS, SQL_DISK, SQL_CPU, RESTARTS, SCRAPE_UP)

# An incident closes itself this long after its condition stops being met.
AUTO_CLOSE = "1800s"
# GKE Ingress names its HTTPS forwarding rule k8s2-fs-<cluster uid>-<namespace>-<name>-<hash>,
# namespace and name trimmed together to 36 characters (kubernetes/ingress-gce,
# pkg/utils/namer/frontendnamer.go, V2 naming scheme, and utils.go TrimFieldsEvenly).
INGRESS_NAME_BUDGET = 36


def trim_fields_evenly(limit: int, *fields: str) -> list[str]:
    """ingress-gce's TrimFieldsEvenly: shorten longer fields more, keep the total <= limit."""
    total = sum(len(f) for f in fields)
    if total <= limit:
        return list(fields)
    excess = total - limit
    lengths = [len(f) - len(f) * excess // total - 1 for f in fields]
    for i in range(limit - sum(lengths)):
        lengths[i] += 1
    return [f[:n] for f, n in zip(fields, lengths, strict=True)]


def ingress_forwarding_rule_regex(namespace: str, ingress: str) -> str:
    """An RE2 pattern for the HTTPS forwarding rule GKE Ingress creates for namespace/ingress."""
    ns, name = trim_fields_evenly(INGRESS_NAME_BUDGET, namespace, ingress)
    return f"k8s2-fs-[a-z0-9]{{8}}-{ns}-{name}-[a-z0-9]{{8}}"


def metric_filter(metric: str, resource: str, **labels: str) -> str:
    """`metric.type="..." AND resource.type="..." AND <label conditions>`; a label's value is
    compared as written, unless it is already a condition (`monitoring.regex.full_match(...)`,
    a number)."""
    parts = [f'metric.type="{metric}"', f'resource.type="{resource}"']
    for key, value in labels.items():
        path = key.replace("__", ".")
        literal = value.startswith("monitoring.") or value.isdigit()
        parts.append(f"{path}={value}" if literal else f'{path}="{value}"')
    return " AND ".join(parts)


@dataclass(frozen=True)
class Chart:
    """One dashboard chart: a time series, its aggregation and the alert's threshold."""

    title: str
    filter: str
    aligner: str
    reducer: str | None = None
    group_by: tuple[str, ...] = ()
    period: str = "60s"
    threshold: float | None = None

    def tile(self, x: int, y: int) -> dict[str, Any]:
        aggregation: dict[str, Any] = {
            "alignmentPeriod": self.period,
            "perSeriesAligner": self.aligner,
        }
        if self.reducer:
            aggregation["crossSeriesReducer"] = self.reducer
            aggregation["groupByFields"] = list(self.group_by)
        chart: dict[str, Any] = {
            "dataSets": [
                {
                    "plotType": "LINE",
                    "timeSeriesQuery": {
                        "timeSeriesFilter": {"filter": self.filter, "aggregation": aggregation}
                    },
                }
            ]
        }
        if self.threshold is not None:
            chart["thresholds"] = [{"value": self.threshold}]
        return {
            "xPos": x,
            "yPos": y,
            "width": 24,
            "height": 16,
            "widget": {"title": self.title, "xyChart": chart},
        }


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
    ) -> MonitoringAlertPolicy:
        """One policy (any condition opens an incident), notifying every channel."""
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

    # -- what every platform has -----------------------------------------------------------------

    def watch_database(self, *, database_id: str) -> None:
        """Cloud SQL's disk and CPU. database_id: `<project>:<instance>`."""
        t = self.thresholds
        disk = Chart(
            "Cloud SQL disk utilization",
            metric_filter(SQL_DISK, "cloudsql_database", resource__label__database_id=database_id),
            "ALIGN_MEAN",
            period="300s",
            threshold=t.database_disk_percent / 100,
        )
        cpu = Chart(
            "Cloud SQL CPU utilization",
            metric_filter(SQL_CPU, "cloudsql_database", resource__label__database_id=database_id),
            "ALIGN_MEAN",
            period="300s",
            threshold=t.database_cpu_percent / 100,
        )
        self.charts += [cpu, disk]
        self.alert(
            "database-disk",
            title=f"Cloud SQL disk over {t.database_disk_percent}%",
            conditions=[
                self.above(
                    "disk utilization", disk, threshold=disk.threshold or 0, duration_seconds=600
                )
            ],
            severity="WARNING",
            documentation=(
                f"The disk of Cloud SQL instance `{database_id}` is more than "
                f"{t.database_disk_percent}% full. It grows by itself up to "
                "`database.disk_autoresize_limit_gb`: at the limit, writes stop. Raise the "
                "limit (or `database.disk_size_gb`) and `make deploy`, or run `mlflow gc` "
                "(README: Garbage collection) if deleted runs hold the space."
            ),
        )
        self.alert(
            "database-cpu",
            title=f"Cloud SQL CPU over {t.database_cpu_percent}%",
            conditions=[
                self.above(
                    "CPU utilization",
                    cpu,
                    threshold=cpu.threshold or 0,
                    duration_seconds=60 * t.database_cpu_minutes,
                )
            ],
            severity="WARNING",
            documentation=(
                f"Cloud SQL instance `{database_id}` has been more than "
                f"{t.database_cpu_percent}% busy for {t.database_cpu_minutes} minutes: MLflow's "
                "requests queue. Query Insights (console, the instance's page) names the "
                "statements; a larger `database.tier` is the usual fix."
            ),
        )

    # -- what platforms add ------------------------------------------------------------------

    def watch_ingress(self, *, host: str, forwarding_rule_regex: str) -> IngressUptimeCheck:
        """The uptime check on `host` (IAP's 302) and the load balancer's 5xx share."""
        t = self.thresholds
        check = IngressUptimeCheck(
            self,
            "uptime",
            project_id=self.project_id,
            host=host,
            period_seconds=t.uptime_check_period_seconds,
            labels=self.labels,
            depends_on=self.depends_on or (),
        )
        # Google's own uptime alert: a check failing from more than one region.
        failing = Chart(
            f"Uptime check https://{host}: regions failing",
            metric_filter(UPTIME_PASSED, "uptime_url", metric__label__check_id=check.check_id),
            "ALIGN_NEXT_OLDER",
            "REDUCE_COUNT_FALSE",
            ("resource.label.host",),
            period="1200s",
            threshold=1,
        )
        rule = f'monitoring.regex.full_match("{forwarding_rule_regex}")'
        lb = {"resource__label__forwarding_rule_name": rule}
        errors = Chart(
            "Load balancer 5xx answers per second",
            metric_filter(
                LB_REQUESTS, "https_lb_rule", metric__label__response_code_class="500", **lb
            ),
            "ALIGN_RATE",
            "REDUCE_SUM",
            period="300s",
        )
        requests = Chart(
            "Load balancer requests per second, by status class",
            metric_filter(LB_REQUESTS, "https_lb_rule", **lb),
            "ALIGN_RATE",
            "REDUCE_SUM",
            ("metric.label.response_code_class",),
            period="300s",
        )
        total = Chart(requests.title, requests.filter, "ALIGN_RATE", "REDUCE_SUM", period="300s")
        self.charts += [failing, requests]
        self.alert(
            "ingress-unreachable",
            title=f"https://{host} unreachable",
            conditions=[
                self.above(
                    "uptime check failing in more than one region",
                    failing,
                    threshold=1,
                    duration_seconds=60 * t.unreachable_minutes,
                )
            ],
            severity="CRITICAL",
            documentation=(
                f"Google's uptime checkers cannot get IAP's sign-in redirect (302) from "
                f"https://{host}/. Either DNS no longer points at the static IP, the load "
                "balancer or its managed certificate is down or invalid, or the host answers "
                "something else: a 200 means IAP no longer guards MLflow. Check "
                f"`kubectl describe ingress` in the server's namespace and `gcloud compute "
                "ssl-certificates list`."
            ),
        )
        self.alert(
            "load-balancer-errors",
            title=f"more than {t.error_rate_percent:g}% 5xx at the load balancer",
            conditions=[
                self.above(
                    "5xx share of requests",
                    errors,
                    threshold=t.error_rate_percent / 100,
                    duration_seconds=300,
                    denominator=total,
                )
            ],
            severity="ERROR",
            documentation=(
                f"More than {t.error_rate_percent:g}% of the requests to https://{host} got a "
                "5xx answer over 5 minutes: the server failed them, or the load balancer found "
                "no healthy pod (502, `failed_to_pick_backend` in its logs). Check the pods "
                "(`kubectl get pods`, `kubectl logs deploy/mlflow-server -c mlflow`) and the "
                "backend's health in the console (Network services, Load balancing)."
            ),
        )
        return check

    def watch_pods(self, *, cluster: str, location: str, namespace: str, scrape_job: str) -> None:
        """The server answering inside the cluster (Managed Prometheus' scrape of /metrics, which
        the same process serves), and containers of the namespace restarting."""
        t = self.thresholds
        target = {
            "resource__label__cluster": cluster,
            "resource__label__location": location,
            "resource__label__namespace": namespace,
            "resource__label__job": scrape_job,
        }
        up = Chart(
            "Server pods answering Managed Prometheus",
            metric_filter(SCRAPE_UP, "prometheus_target", **target),
            "ALIGN_MIN",
            "REDUCE_SUM",
            period="60s",
        )
        restarts = Chart(
            "Container restarts per hour",
            metric_filter(
                RESTARTS,
                "k8s_container",
                resource__label__cluster_name=cluster,
                resource__label__namespace_name=namespace,
            ),
            "ALIGN_DELTA",
            "REDUCE_SUM",
            ("resource.label.pod_name", "resource.label.container_name"),
            period="3600s",
            threshold=t.restarts_per_hour,
        )
        self.charts += [up, restarts]
        duration = 60 * t.unreachable_minutes
        none_up = MonitoringAlertPolicyConditions(
            display_name="no server pod answers",
            condition_threshold=MonitoringAlertPolicyConditionsConditionThreshold(
                filter=up.filter,
                aggregations=[
                    MonitoringAlertPolicyConditionsConditionThresholdAggregations(
                        alignment_period=up.period,
                        per_series_aligner=up.aligner,
                        cross_series_reducer=up.reducer,
                    )
                ],
                comparison="COMPARISON_LT",
                threshold_value=1,
                duration=f"{duration}s",
                trigger=MonitoringAlertPolicyConditionsConditionThresholdTrigger(count=1),
            ),
        )
        # No pod at all means no target, hence no series: absence is the same outage.
        no_target = MonitoringAlertPolicyConditions(
            display_name="no server pod to scrape",
            condition_absent=MonitoringAlertPolicyConditionsConditionAbsent(
                filter=up.filter,
                aggregations=[
                    MonitoringAlertPolicyConditionsConditionAbsentAggregations(
                        alignment_period=up.period,
                        per_series_aligner=up.aligner,
                        cross_series_reducer=up.reducer,
                    )
                ],
                duration=f"{duration}s",
            ),
        )
        self.alert(
            "server-unreachable",
            title="MLflow server not answering",
            conditions=[none_up, no_target],
            severity="CRITICAL",
            documentation=(
                f"For {t.unreachable_minutes} minutes no pod of `{namespace}` answered Managed "
                "Prometheus' scrape of /metrics (served by the MLflow process itself), or "
                f"there was no pod to scrape. `kubectl -n {namespace} get pods`; "
                f"`kubectl -n {namespace} describe deploy/mlflow-server`; the init containers' "
                "logs (`-c cloud-sql-proxy`, `-c db-migrate`) when pods stay in Init."
            ),
        )
        self.alert(
            "container-restarts",
            title=f"a container restarted more than {t.restarts_per_hour} times in an hour",
            conditions=[
                self.above(
                    "restarts per container and hour",
                    restarts,
                    threshold=t.restarts_per_hour,
                    duration_seconds=0,
                )
            ],
            severity="WARNING",
            documentation=(
                f"A container in `{namespace}` keeps restarting (the incident names the pod "
                "and the container). `kubectl describe pod` shows the last state: OOMKilled "
                "means `server.resources` is too small, Evicted with ephemeral-storage means "
                "`server.artifact_transfers` (README: Large artifacts), a failing liveness "
                "probe a hung server."
            ),
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
