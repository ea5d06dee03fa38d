"""The series the alerts watch and the dashboard draws, described once.

An alert and its dashboard chart read the same time series with the same aggregation, and the
chart draws the alert's threshold: both are built from one `Chart`, so they cannot drift apart.

Metric types: https://cloud.google.com/monitoring/api/metrics_gcp (uptime_check/check_passed,
loadbalancing https/request_count, cloudsql database/disk|cpu/utilization),
https://cloud.google.com/monitoring/api/metrics_kubernetes (container/restart_count), and
Managed Service for Prometheus' synthetic `up` (prometheus.googleapis.com/up/gauge, resource
prometheus_target with the PodMonitoring's name as `job`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

UPTIME_PASSED = "monitoring.googleapis.com/uptime_check/check_passed"
LB_REQUESTS = "loadbalancing.googleapis.com/https/request_count"
SQL_DISK = "cloudsql.googleapis.com/database/disk/utilization"
SQL_CPU = "cloudsql.googleapis.com/database/cpu/utilization"
RESTARTS = "kubernetes.io/container/restart_count"
SCRAPE_UP = "prometheus.googleapis.com/up/gauge"
METRIC_TYPES = (UPTIME_PASSED, LB_REQUESTS, SQL_DISK, SQL_CPU, RESTARTS, SCRAPE_UP)


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
