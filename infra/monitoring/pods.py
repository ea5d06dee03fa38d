"""The server's pods, seen from inside the cluster: Managed Prometheus' scrape of /metrics and
container restarts. Only GKE platforms run the PodMonitoring, so the platform adds this
(infra/platforms/gke.py). The scrape answers what the uptime check cannot: IAP stops the check
at its sign-in redirect, before the request reaches MLflow (infra/monitoring/uptime.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cdktf_cdktf_provider_google.monitoring_alert_policy import (
    MonitoringAlertPolicyConditions,
    MonitoringAlertPolicyConditionsConditionAbsent,
    MonitoringAlertPolicyConditionsConditionAbsentAggregations,
    MonitoringAlertPolicyConditionsConditionThreshold,
    MonitoringAlertPolicyConditionsConditionThresholdAggregations,
    MonitoringAlertPolicyConditionsConditionThresholdTrigger,
)

from infra.monitoring.charts import RESTARTS, SCRAPE_UP, Chart, metric_filter

if TYPE_CHECKING:
    from infra.monitoring.core import Monitoring


def watch_pods(
    monitoring: Monitoring, *, cluster: str, location: str, namespace: str, scrape_job: str
) -> None:
    """The server answering inside the cluster (Managed Prometheus' scrape of /metrics, which
    the same process serves), and containers of the namespace restarting."""
    t = monitoring.thresholds
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
    monitoring.charts += [up, restarts]
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
    monitoring.alert(
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
    monitoring.alert(
        "container-restarts",
        title=f"a container restarted more than {t.restarts_per_hour} times in an hour",
        conditions=[
            monitoring.above(
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
            "`server.artifact_transfers` (docs/operate.md#large-artifacts), a failing liveness "
            "probe a hung server."
        ),
    )
